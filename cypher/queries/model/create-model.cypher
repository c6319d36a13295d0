// create-model: a new empty model at version 1 (the uniqueness constraint rejects a duplicate id).
// params: $modelId, $name, $description
// returns: model
CREATE (m:ThreatModel {id: $modelId, name: $name, description: $description, version: 1,
                       createdAt: datetime(), updatedAt: datetime()})
RETURN m {.id, .name, .description, .version, createdAt: toString(m.createdAt), updatedAt: toString(m.updatedAt)} AS model
