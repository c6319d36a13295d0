// bump-model-version: optimistic-concurrency guard for a write: increments the version only if it
// still equals $expectedVersion (no row otherwise, and the caller retries or reports CONFLICT).
// params: $modelId, $expectedVersion
// returns: version
MATCH (m:ThreatModel {id: $modelId})
WHERE m.version = $expectedVersion
SET m.version = m.version + 1, m.updatedAt = datetime()
RETURN m.version AS version
