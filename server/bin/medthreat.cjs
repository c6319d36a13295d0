#!/usr/bin/env node
/**
 * Launcher of the `medthreat` command line (server/src/cli/main.ts): runs the built server
 * (server/dist, `npm run build -w server`) when it is there, otherwise the TypeScript sources
 * through tsx (a development install). MEDTHREAT_CLI_SOURCE=1 always uses the sources.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
let cli;
if (process.env.MEDTHREAT_CLI_SOURCE !== '1' && fs.existsSync(built)) {
  cli = require(built);
} else {
  require('tsx/cjs');
  cli = require(path.join(__dirname, '..', 'src', 'cli', 'main.ts'));
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
