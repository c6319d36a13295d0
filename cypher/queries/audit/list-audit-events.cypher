// list-audit-events: audit entries newest first, optionally for one model, actor or action, and
// only those written at or after $since (a model's history since it was created).
// params: $modelId (null: all), $actorId (null: all), $action (null: all), $since (ISO date-time; null: all), $skip, $limit
// returns: event
MATCH (e:AuditEvent)
WHERE ($modelId IS NULL OR e.modelId = $modelId)
  AND ($actorId IS NULL OR e.actorId = $actorId)
  AND ($action IS NULL OR e.action = $action)
  AND ($since IS NULL OR e.at >= datetime($since))
RETURN e {.*, at: toString(e.at)} AS event
ORDER BY e.at DESC, e.id DESC
SKIP toInteger($skip) LIMIT toInteger($limit)
