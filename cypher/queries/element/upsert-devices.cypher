// upsert-devices: creates or replaces devices and the zones they sit in (zones must exist).
// params: $modelId, $devices [{id, props, zoneIds}]
// returns: written (count)
UNWIND $devices AS d
MERGE (n:ModelElement:Device {modelId: $modelId, id: d.id})
SET n = d.props, n.modelId = $modelId, n.id = d.id
WITH n, d
CALL (n, d) {
  OPTIONAL MATCH (n)-[r:SITS_IN]->()
  DELETE r
}
CALL (n, d) {
  UNWIND d.zoneIds AS zid
  MATCH (z:Zone {modelId: $modelId, id: zid})
  USING INDEX SEEK z:Zone(modelId, id)
  CREATE (n)-[:SITS_IN]->(z)
}
RETURN count(n) AS written
