/**
 * Backup and restore commands (services/backup-service.ts does the work). They use the database
 * configuration the server uses (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD or NEO4J_PASSWORD_FILE,
 * NEO4J_DATABASE); `npm run backup` / `npm run restore` (tools/backup.mjs) supply them for the
 * project's own local Neo4j. In a container: `node server/dist/backup-cli.js ...` with the
 * server's environment.
 *
 *   backup-cli backup --out FILE            one read transaction → FILE (JSON, mode 0600)
 *   backup-cli restore --in FILE [--yes]    FILE → one write transaction into an empty database;
 *                                           --yes deletes the MedThreat data there first
 *
 * The file holds password and API-key hashes: it is written with mode 0600 (an existing file is
 * tightened first); keep it like a secret. Exit codes: 0 done, 1 failure (message on stderr), 2 bad usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { waitForDatabase } from './bootstrap';
import { loadConfig } from './config';
import { DomainError, ValidationError } from './domain/errors';
import { Database } from './graph/database';
import { BackupService } from './services/backup-service';

const USAGE = 'usage: backup-cli backup --out FILE | backup-cli restore --in FILE [--yes]';

type Command = { kind: 'backup'; out: string } | { kind: 'restore'; in: string; yes: boolean };

function usage(): never {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

/** Parsed command line; exits with 2 and the usage on anything else. */
function parseArgs(argv: string[]): Command {
  const [kind, ...rest] = argv;
  let file: string | undefined;
  let yes = false;
  const flag = kind === 'backup' ? '--out' : kind === 'restore' ? '--in' : usage();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const v = rest[i + 1];
    if (a === flag && v && !v.startsWith('--')) {
      file = path.resolve(v);
      i++;
    } else if (a === '--yes' && kind === 'restore') yes = true;
    else usage();
  }
  if (!file) usage();
  return kind === 'backup' ? { kind, out: file } : { kind: 'restore', in: file, yes };
}

/** Writes `text` to `file` with mode 0600 (tightening an existing file first), via a temporary file and a rename. */
function writePrivate(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // whatever the umask
  fs.renameSync(tmp, file);
}

async function main(): Promise<void> {
  const command = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const db = new Database(config.neo4j);
  try {
    await waitForDatabase(db, 30000);
    const service = new BackupService(db);
    if (command.kind === 'backup') {
      const { document, other } = await service.backup();
      writePrivate(command.out, `${JSON.stringify(document)}\n`);
      const labels = Object.entries(document.counts.byLabel)
        .map(([l, n]) => `${l} ${n}`)
        .join(', ');
      process.stdout.write(
        `backed up ${document.counts.nodes} nodes and ${document.counts.relationships} relationships to ${command.out} (mode 0600: it holds password and API-key hashes)\n` +
          (labels ? `  ${labels}\n` : ''),
      );
      for (const o of other) {
        process.stderr.write(
          `warning: ${o.count} node(s) labelled ${o.labels.join(':') || '(none)'} are not MedThreat data and were not backed up\n`,
        );
      }
    } else {
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(command.in, 'utf8'));
      } catch (e) {
        throw new Error(`cannot read ${command.in} as JSON: ${(e as Error).message}`, { cause: e });
      }
      const done = await service.restore(raw, { wipe: command.yes });
      process.stdout.write(
        (done.deleted ? `deleted ${done.deleted} MedThreat nodes that were there; ` : '') +
          `restored ${done.nodes} nodes and ${done.relationships} relationships from ${command.in}. Start (or restart) the servers now.\n`,
      );
    }
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  const name = process.argv[2] === 'restore' ? 'restore' : 'backup';
  if (e instanceof ValidationError) {
    process.stderr.write(`${name}: not a backup this version can restore:\n`);
    for (const i of e.issues) process.stderr.write(`  ${i.path || '(document)'}: ${i.message}\n`);
  } else {
    const field = e instanceof DomainError && e.field ? ` (${e.field})` : '';
    process.stderr.write(`${name}: ${e instanceof Error ? e.message : String(e)}${field}\n`);
  }
  process.exit(1);
});
