// list-model-changes-since: a model's audited changes with $from < modelVersion <= $to, newest
// first, to rebuild the model as it was at version $from by walking the before-images back. Only
// entries of the model's current incarnation count (written since its createdAt: a model deleted
// and re-created under the same id restarts at version 1). `current` is false when the model no
// longer has the createdAt the caller read (deleted, or deleted and re-created): read again.
// params: $modelId, $createdAt (ISO string of the model's createdAt), $from, $to
// returns: current (boolean), events [event]
OPTIONAL MATCH (m:ThreatModel {id: $modelId})
WHERE toString(m.createdAt) = $createdAt
OPTIONAL MATCH (e:AuditEvent {modelId: $modelId})
WHERE m IS NOT NULL AND e.modelVersion > $from AND e.modelVersion <= $to AND e.at >= m.createdAt
WITH m, e
ORDER BY e.modelVersion DESC, e.at DESC
RETURN m IS NOT NULL AS current, collect(e {.*, at: toString(e.at)}) AS events
