// upsert-assets: creates or replaces assets and their device.
// params: $modelId, $assets [{id, props, deviceId}]
// returns: written (count)
UNWIND $assets AS a
MERGE (n:ModelElement:Asset {modelId: $modelId, id: a.id})
SET n = a.props, n.modelId = $modelId, n.id = a.id
WITH n, a
CALL (n, a) {
  OPTIONAL MATCH ()-[r:HAS_ASSET]->(n)
  DELETE r
}
CALL (n, a) {
  MATCH (d:Device {modelId: $modelId, id: a.deviceId})
  USING INDEX SEEK d:Device(modelId, id)
  CREATE (d)-[:HAS_ASSET]->(n)
}
RETURN count(n) AS written
