// get-model: one model header, or no row.
// params: $modelId
// returns: model {id, name, description, version, createdAt, updatedAt}
MATCH (m:ThreatModel {id: $modelId})
RETURN m {.id, .name, .description, .version, createdAt: toString(m.createdAt), updatedAt: toString(m.updatedAt)} AS model
