/**
 * Runs the server as a child process (server/src/main.ts through tsx) for process-level tests:
 * waits for "MedThreat listening", keeps every log line, and reports how and when it exited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> without a trailing slash. */
  base: string;
  /** Every stdout and stderr line so far (pino JSON lines and anything else). */
  lines: string[];
  /** Resolves with the exit code (null if killed by a signal) and the time of exit (ms since epoch). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** The parsed JSON log lines whose `msg` contains `text`. */
  logs(text: string): Record<string, unknown>[];
  /** SIGKILL if still running (afterAll). */
  kill(): void;
}

/**
 * Starts the server (from its sources through tsx, or with `options.built` the compiled
 * server/dist/main.js) on a free loopback port with `env` added to the environment (NEO4J_URI
 * comes from the test environment unless given). Authentication is off (MEDTHREAT_DEV_NO_AUTH) unless
 * `env` says otherwise. Rejects with the log if it exits or is not listening after `timeoutMs` (ms).
 */
export async function startServerProcess(
  env: Record<string, string> = {},
  timeoutMs = 150000,
  options: { built?: boolean } = {},
): Promise<ServerProcess> {
  // built: the compiled server (server/dist/main.js, `npm run build -w server` first), as deployed
  const args = options.built
    ? [path.join(ROOT, 'server/dist/main.js')]
    : ['--require', 'tsx/cjs', path.join(ROOT, 'server/src/main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      MEDTHREAT_LOAD_DEMO: 'false',
      MEDTHREAT_DEV_NO_AUTH: 'true',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.trim()));
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const parsed = (text: string) =>
    lines.flatMap((l) => {
      try {
        const o = JSON.parse(l) as Record<string, unknown>;
        return typeof o['msg'] === 'string' && o['msg'].includes(text) ? [o] : [];
      } catch {
        return [];
      }
    });
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // an orphan would keep jest waiting on its pipes
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${lines.join('\n')}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const listening = parsed('MedThreat listening')[0];
      if (!listening) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve(String(listening['url']).replace(/\/$/, ''));
    }, 50);
    void exited.then(({ code }) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${lines.join('\n')}`));
    });
  });
  return {
    child,
    base,
    lines,
    exited,
    logs: parsed,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
