// update-model-info: sets name/description and bumps the version; no row if absent.
// params: $modelId, $name, $description
// returns: model
MATCH (m:ThreatModel {id: $modelId})
SET m.name = $name, m.description = $description, m.version = m.version + 1, m.updatedAt = datetime()
RETURN m {.id, .name, .description, .version, createdAt: toString(m.createdAt), updatedAt: toString(m.updatedAt)} AS model
