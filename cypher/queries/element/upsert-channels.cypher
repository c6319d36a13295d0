// upsert-channels: creates or replaces channels, their endpoints and the zones they are reachable from.
// params: $modelId, $channels [{id, props, fromDeviceId, toDeviceId, fromInterfaceId, toInterfaceId, zoneIds}]
// returns: written (count)
UNWIND $channels AS c
MERGE (n:ModelElement:Channel {modelId: $modelId, id: c.id})
SET n = c.props, n.modelId = $modelId, n.id = c.id
WITH n, c
CALL (n, c) {
  OPTIONAL MATCH (n)-[r:FROM_DEVICE|TO_DEVICE|FROM_INTERFACE|TO_INTERFACE|IN_RANGE_OF]->()
  DELETE r
}
CALL (n, c) {
  MATCH (d:Device {modelId: $modelId, id: c.fromDeviceId})
  USING INDEX SEEK d:Device(modelId, id)
  CREATE (n)-[:FROM_DEVICE]->(d)
}
CALL (n, c) {
  MATCH (d:Device {modelId: $modelId, id: c.toDeviceId})
  USING INDEX SEEK d:Device(modelId, id)
  CREATE (n)-[:TO_DEVICE]->(d)
}
CALL (n, c) {
  MATCH (i:Interface {modelId: $modelId, id: c.fromInterfaceId})
  USING INDEX SEEK i:Interface(modelId, id)
  CREATE (n)-[:FROM_INTERFACE]->(i)
}
CALL (n, c) {
  MATCH (i:Interface {modelId: $modelId, id: c.toInterfaceId})
  USING INDEX SEEK i:Interface(modelId, id)
  CREATE (n)-[:TO_INTERFACE]->(i)
}
CALL (n, c) {
  UNWIND c.zoneIds AS zid
  MATCH (z:Zone {modelId: $modelId, id: zid})
  USING INDEX SEEK z:Zone(modelId, id)
  CREATE (n)-[:IN_RANGE_OF]->(z)
}
RETURN count(n) AS written
