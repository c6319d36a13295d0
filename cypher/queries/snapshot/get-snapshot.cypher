// get-snapshot: one snapshot of a model, with its document (JSON text) only when asked; no row if absent.
// params: $modelId, $id, $withDocument (boolean)
// returns: snapshot {id, modelId, name, kind, note, modelVersion, modelCreatedAt, createdAt, createdById, createdByName, riskTotals, counts}, document (null unless $withDocument)
MATCH (s:ModelSnapshot {modelId: $modelId, id: $id})
RETURN s {.id, .modelId, .name, kind: coalesce(s.kind, 'NAMED'), .note, .modelVersion, modelCreatedAt: toString(s.modelCreatedAt),
          createdAt: toString(s.createdAt), .createdById, .createdByName, .riskTotals, .counts} AS snapshot,
       CASE WHEN $withDocument THEN s.document ELSE null END AS document
