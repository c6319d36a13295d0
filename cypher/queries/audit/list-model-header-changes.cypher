// list-model-header-changes: the versions and changes of a model's audit entries that touch the
// model itself (creation, import, name or description), in its current incarnation, newest
// first. Element changes are left out: they are the bulk of the trail and can always be undone.
// The JSON text of `changes` holds `"kind":"model"` only for such entries (inside element images
// a quote would be escaped).
// params: $modelId
// returns: modelVersion, changes (JSON text)
MATCH (m:ThreatModel {id: $modelId})
MATCH (e:AuditEvent {modelId: $modelId})
WHERE e.modelVersion IS NOT NULL AND e.at >= m.createdAt AND e.changes CONTAINS '"kind":"model"'
RETURN e.modelVersion AS modelVersion, e.changes AS changes
ORDER BY modelVersion DESC
