/**
 * Entry of an analysis worker when the server runs from its TypeScript sources (tsx, ts-jest):
 * registers tsx in the worker thread, then loads engine-worker.ts. The built server (server/dist)
 * loads dist/workers/engine-worker.js directly and never uses this file (see engine-pool.ts).
 */
require('tsx/cjs');
module.exports = require('./engine-worker.ts');
