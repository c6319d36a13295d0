// create-model: a new empty model at version 1 (the uniqueness constraint rejects a duplicate id).
// Marked as written in exchange format $formatVersion (the start-up migration skips it).
// params: $modelId, $name, $description, $formatVersion
// returns: model
CREATE (m:ThreatModel {id: $modelId, name: $name, description: $description, version: 1, formatVersion: $formatVersion,
                       createdAt: datetime(), updatedAt: datetime()})
RETURN m {.id, .name, .description, .version, createdAt: toString(m.createdAt), updatedAt: toString(m.updatedAt)} AS model
