// upsert-vulnerabilities: creates or replaces vulnerabilities and the device/interface they affect.
// params: $modelId, $vulnerabilities [{id, props, elementId}]
// returns: written (count)
UNWIND $vulnerabilities AS v
MERGE (n:ModelElement:Vulnerability {modelId: $modelId, id: v.id})
SET n = v.props, n.modelId = $modelId, n.id = v.id
WITH n, v
CALL (n, v) {
  OPTIONAL MATCH (n)-[r:AFFECTS]->()
  DELETE r
}
CALL (n, v) {
  MATCH (e:ModelElement {modelId: $modelId, id: v.elementId})
  USING INDEX SEEK e:ModelElement(modelId, id)
  WHERE e:Device OR e:Interface
  CREATE (n)-[:AFFECTS]->(e)
}
RETURN count(n) AS written
