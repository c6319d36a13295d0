// list-model-changes-since: a model's audited changes after a version, newest first, to rebuild
// the model as it was at that version (walking the before-images back).
// params: $modelId, $version
// returns: event
MATCH (e:AuditEvent {modelId: $modelId})
WHERE e.modelVersion > $version
RETURN e {.*, at: toString(e.at)} AS event
ORDER BY e.modelVersion DESC
