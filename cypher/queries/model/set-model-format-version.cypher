// set-model-format-version: records that the model's stored data is in $formatVersion (set by the
// start-up migration once a model is migrated or found current; the model version is not bumped).
// params: $modelId, $formatVersion
// returns: id
MATCH (m:ThreatModel {id: $modelId})
SET m.formatVersion = $formatVersion
RETURN m.id AS id
