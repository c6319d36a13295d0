/**
 * Admin-reset command: sets a new password for a local account (default 'admin') when the admin
 * password is lost. It needs what only someone with access to the machine has: the database
 * credentials (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD or NEO4J_PASSWORD_FILE, as for the server).
 * `npm run admin:reset-password` (tools/admin-reset-password.mjs) supplies them for the project's
 * own local Neo4j; in a container: `node server/dist/reset-password.js` with the server's environment.
 *
 *   node server/dist/reset-password.js [--user NAME] [--out FILE]
 *
 * The new password is MEDTHREAT_RESET_PASSWORD (or the file named by MEDTHREAT_RESET_PASSWORD_FILE)
 * if set, else generated (24 random bytes, base64url) and written to FILE (mode 0600; default
 * ./medthreat-<user>-password), whose path is printed; it is never printed itself. The account's
 * sessions end; the change is in the audit trail as actor 'local-admin-reset' (with the OS user and
 * host), action 'resetPassword'. Exit codes: 0 done, 1 failure (message on stderr), 2 bad usage.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices, waitForDatabase } from './bootstrap';
import { loadConfig } from './config';
import { localAdminResetActor } from './domain/auth/principal';
import { DomainError } from './domain/errors';
import { Database } from './graph/database';

const USAGE =
  'usage: reset-password [--user NAME] [--out FILE]   (password: MEDTHREAT_RESET_PASSWORD[_FILE] or generated)';

/** Parsed command line: `--user` (default 'admin') and `--out` (default ./medthreat-<user>-password). */
function parseArgs(argv: string[]): { user: string; out: string } {
  let user = 'admin';
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if ((a === '--user' || a === '--out') && v && !v.startsWith('--')) {
      if (a === '--user') user = v;
      else out = v;
      i++;
    } else {
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
  }
  return { user, out: path.resolve(out ?? `medthreat-${user.replace(/[^\w.-]/g, '_')}-password`) };
}

/** The password to set: from the environment (stripped of a trailing newline) or null (generate one). */
function givenPassword(): string | null {
  if (process.env.MEDTHREAT_RESET_PASSWORD) return process.env.MEDTHREAT_RESET_PASSWORD;
  const file = process.env.MEDTHREAT_RESET_PASSWORD_FILE;
  return file ? fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '') : null;
}

/** Writes `password` to `file` with mode 0600 (tightening an existing file first). */
function writeSecret(file: string, password: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
}

/**
 * Fails at once, saying so, when the database refuses the credentials (this command is for those who
 * have them); otherwise waits up to 30 s for it to answer.
 */
async function checkCredentials(db: Database): Promise<void> {
  try {
    await db.query('health/ping');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Neo.ClientError.Security.')) {
      throw new Error(
        `the database refused the credentials (${code}): this command needs NEO4J_USER and NEO4J_PASSWORD or NEO4J_PASSWORD_FILE`,
        { cause: e },
      );
    }
    await waitForDatabase(db, 30000);
  }
}

async function main(): Promise<void> {
  const { user, out } = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const db = new Database(config.neo4j);
  try {
    await checkCredentials(db);
    const services = createServices(db);
    const given = givenPassword();
    const password = given ?? randomBytes(24).toString('base64url');
    let who = 'unknown';
    try {
      who = `${os.userInfo().username}@${os.hostname()}`;
    } catch {
      /* no passwd entry (container): keep 'unknown' */
    }
    const account = await services.auth.resetPassword(localAdminResetActor(who), user, password);
    if (given === null) writeSecret(out, password);
    process.stdout.write(
      `reset the password of account '${account.username}' (${account.role}${account.disabled ? ', DISABLED' : ''}); its sessions have ended.\n` +
        (given === null
          ? `the new password is in ${out} (mode 0600): sign in, change it, then delete the file.\n`
          : 'the new password is the one given in MEDTHREAT_RESET_PASSWORD.\n'),
    );
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  const field = e instanceof DomainError && e.field ? ` (${e.field})` : '';
  process.stderr.write(`reset-password: ${e instanceof Error ? e.message : String(e)}${field}\n`);
  process.exit(1);
});
