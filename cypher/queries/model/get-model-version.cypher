// get-model-version: the model's version (projection cache key), or no row.
// params: $modelId
// returns: version
MATCH (m:ThreatModel {id: $modelId})
RETURN m.version AS version
