// get-model-version: the model's identity for caches: version plus creation time (a model deleted and
// recreated under the same id starts again at version 1), or no row.
// params: $modelId
// returns: version, createdAt
MATCH (m:ThreatModel {id: $modelId})
RETURN m.version AS version, toString(m.createdAt) AS createdAt
