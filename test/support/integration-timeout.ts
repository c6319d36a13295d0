/** Integration tests talk to a real database: generous per-test timeout (ms). */
jest.setTimeout(120000);
