// record-audit-event: appends one entry to the audit trail, in the caller's transaction.
// params: $event {id, actorKind, actorId, actorName, action, requestId, modelId, modelVersion, summary, changes}
// returns: (nothing)
CREATE (e:AuditEvent)
SET e = $event, e.at = datetime()
