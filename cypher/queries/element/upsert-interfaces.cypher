// upsert-interfaces: creates or replaces interfaces, their device and exposure zones.
// params: $modelId, $interfaces [{id, props, deviceId, exposedToZoneIds}]
// returns: written (count)
UNWIND $interfaces AS i
MERGE (n:ModelElement:Interface {modelId: $modelId, id: i.id})
SET n = i.props, n.modelId = $modelId, n.id = i.id
WITH n, i
CALL (n, i) {
  OPTIONAL MATCH (n)-[r:EXPOSED_TO]->()
  DELETE r
}
CALL (n, i) {
  OPTIONAL MATCH ()-[r:HAS_INTERFACE]->(n)
  DELETE r
}
CALL (n, i) {
  MATCH (d:Device {modelId: $modelId, id: i.deviceId})
  USING INDEX SEEK d:Device(modelId, id)
  CREATE (d)-[:HAS_INTERFACE]->(n)
}
CALL (n, i) {
  UNWIND i.exposedToZoneIds AS zid
  MATCH (z:Zone {modelId: $modelId, id: zid})
  USING INDEX SEEK z:Zone(modelId, id)
  CREATE (n)-[:EXPOSED_TO]->(z)
}
RETURN count(n) AS written
