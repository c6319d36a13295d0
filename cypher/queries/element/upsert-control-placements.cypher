// upsert-control-placements: creates or replaces control placements, linked to their element and catalogue control.
// params: $modelId, $placements [{id, props, elementId}]  (props include controlId)
// returns: written (count)
UNWIND $placements AS p
MERGE (n:ModelElement:ControlPlacement {modelId: $modelId, id: p.id})
SET n = p.props, n.modelId = $modelId, n.id = p.id
WITH n, p
CALL (n, p) {
  OPTIONAL MATCH (n)-[r:PLACED_ON|OF_CONTROL]->()
  DELETE r
}
CALL (n, p) {
  MATCH (e:ModelElement {modelId: $modelId, id: p.elementId})
  USING INDEX SEEK e:ModelElement(modelId, id)
  CREATE (n)-[:PLACED_ON]->(e)
}
CALL (n, p) {
  MATCH (c:Control {id: n.controlId})
  CREATE (n)-[:OF_CONTROL]->(c)
}
RETURN count(n) AS written
