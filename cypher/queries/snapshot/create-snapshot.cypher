// create-snapshot: stores a snapshot of a model: NAMED (taken by a user) or AUTOMATIC (kept by an
// import with replace, in the import's own transaction, of the document it replaced). Takes the
// model's write lock first, so a concurrent deleteModel runs either before (no model: no row) or
// after (and deletes the snapshot too). No row when the model does not exist or is not the
// incarnation the document was read from (deleted and re-created since). The (modelId, name) constraint rejects a duplicate name.
// params: $modelId, $modelCreatedAt (ISO string of the model's createdAt), $snapshot {id, name, kind ('NAMED' | 'AUTOMATIC'), note, modelVersion, createdById, createdByName, document, riskTotals, counts}
// returns: snapshot {id, modelId, name, kind, note, modelVersion, modelCreatedAt, createdAt, createdById, createdByName, riskTotals, counts}
MATCH (m:ThreatModel {id: $modelId})
WHERE toString(m.createdAt) = $modelCreatedAt
SET m.writeLock = true
REMOVE m.writeLock
CREATE (s:ModelSnapshot)
SET s = $snapshot,
    s.modelId = m.id,
    s.modelVersion = toInteger($snapshot.modelVersion),
    s.modelCreatedAt = m.createdAt,
    s.createdAt = datetime()
RETURN s {.id, .modelId, .name, kind: coalesce(s.kind, 'NAMED'), .note, .modelVersion, modelCreatedAt: toString(s.modelCreatedAt),
          createdAt: toString(s.createdAt), .createdById, .createdByName, .riskTotals, .counts} AS snapshot
