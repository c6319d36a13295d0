// delete-snapshot: removes one snapshot of a model and returns what it was; no row if absent.
// params: $modelId, $id
// returns: snapshot {id, modelId, name, kind, note, modelVersion, modelCreatedAt, createdAt, createdById, createdByName, riskTotals, counts}
MATCH (s:ModelSnapshot {modelId: $modelId, id: $id})
WITH s, s {.id, .modelId, .name, kind: coalesce(s.kind, 'NAMED'), .note, .modelVersion, modelCreatedAt: toString(s.modelCreatedAt),
           createdAt: toString(s.createdAt), .createdById, .createdByName, .riskTotals, .counts} AS snapshot
DELETE s
RETURN snapshot
