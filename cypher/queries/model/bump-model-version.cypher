// bump-model-version: optimistic-concurrency guard for a write. Takes the model's write lock first
// (SET), so the version read afterwards is the latest committed one, then increments it. The caller
// compares `previous` with the version it read its snapshot at and aborts (rolls back) on a mismatch.
// No row if the model does not exist.
// params: $modelId
// returns: previous, version
MATCH (m:ThreatModel {id: $modelId})
SET m.writeLock = true
REMOVE m.writeLock
WITH m, m.version AS previous
SET m.version = previous + 1, m.updatedAt = datetime()
RETURN previous, m.version AS version
