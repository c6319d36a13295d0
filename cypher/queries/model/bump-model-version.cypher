// bump-model-version: optimistic-concurrency guard for a write. Takes the model's write lock first
// (SET), so the version read afterwards is the latest committed one, then increments it by $by (the
// number of writes committed together: one version step each). The caller
// compares `previous` and `createdAt` with the state it read its snapshot at, and `catalogueVersion`
// with the catalogue it validated against, and aborts (rolls back) on a mismatch.
// No row if the model does not exist.
// params: $modelId, $by (≥ 1)
// returns: previous, version, createdAt, catalogueVersion (null when no catalogue is loaded)
MATCH (m:ThreatModel {id: $modelId})
SET m.writeLock = true
REMOVE m.writeLock
WITH m, m.version AS previous
SET m.version = previous + $by, m.updatedAt = datetime()
WITH m, previous
OPTIONAL MATCH (cat:Catalogue)
RETURN previous, m.version AS version, toString(m.createdAt) AS createdAt, cat.version AS catalogueVersion
LIMIT 1
