// list-models: every threat model, most recently updated first.
// params: none
// returns: model {id, name, description, version, createdAt, updatedAt}
MATCH (m:ThreatModel)
RETURN m {.id, .name, .description, .version, createdAt: toString(m.createdAt), updatedAt: toString(m.updatedAt)} AS model
ORDER BY m.updatedAt DESC, m.id
