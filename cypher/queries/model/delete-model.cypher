// delete-model: removes a model and every element of it.
// params: $modelId
// returns: deleted (count of model nodes removed, 0 or 1)
OPTIONAL MATCH (m:ThreatModel {id: $modelId})
CALL (m) {
  MATCH (n:ModelElement {modelId: $modelId})
  DETACH DELETE n
}
WITH m, CASE WHEN m IS NULL THEN 0 ELSE 1 END AS deleted
DETACH DELETE m
RETURN deleted
