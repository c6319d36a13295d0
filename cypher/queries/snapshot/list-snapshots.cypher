// list-snapshots: a model's snapshots, newest first, without their documents (they can be large).
// params: $modelId
// returns: snapshot {id, modelId, name, kind, note, modelVersion, modelCreatedAt, createdAt, createdById, createdByName, riskTotals, counts}
MATCH (s:ModelSnapshot {modelId: $modelId})
RETURN s {.id, .modelId, .name, kind: coalesce(s.kind, 'NAMED'), .note, .modelVersion, modelCreatedAt: toString(s.modelCreatedAt),
          createdAt: toString(s.createdAt), .createdById, .createdByName, .riskTotals, .counts} AS snapshot
ORDER BY s.createdAt DESC, s.id DESC
