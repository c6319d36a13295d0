// delete-model: removes a model, every element of it and its named snapshots. Takes the model's
// write lock first, so a concurrent write either commits before (and is deleted too) or fails after.
// params: $modelId
// returns: deleted (count of model nodes removed, 0 or 1)
OPTIONAL MATCH (m:ThreatModel {id: $modelId})
SET m.writeLock = true
WITH m
CALL (m) {
  MATCH (n:ModelElement {modelId: $modelId})
  DETACH DELETE n
}
CALL (m) {
  MATCH (s:ModelSnapshot {modelId: $modelId})
  DETACH DELETE s
}
WITH m, CASE WHEN m IS NULL THEN 0 ELSE 1 END AS deleted
DETACH DELETE m
RETURN deleted
