// load-interfaces: the model's interfaces with their device and exposure zones.
// params: $modelId
// returns: interface
MATCH (d:Device)-[:HAS_INTERFACE]->(n:Interface {modelId: $modelId})
RETURN n {.*, deviceId: d.id,
          exposedToZoneIds: COLLECT { MATCH (n)-[:EXPOSED_TO]->(z:Zone) RETURN z.id ORDER BY z.id }} AS interface
ORDER BY n.id
