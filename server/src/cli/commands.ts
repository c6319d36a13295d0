/**
 * The command line's import and export commands (the analysis commands are in main.ts).
 */
import type { CliStreams } from './main';

/** One subcommand: its name, its usage lines, and what it runs (returns the exit code). */
export interface CliCommand {
  name: string;
  usage: string;
  run(args: string[], io: CliStreams): Promise<number>;
}

/** Import and export commands, in the order the usage lists them. */
export const EXTRA_COMMANDS: CliCommand[] = [];
