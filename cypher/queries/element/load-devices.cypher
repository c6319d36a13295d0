// load-devices: the model's devices with the zones they sit in.
// params: $modelId
// returns: device
MATCH (n:Device {modelId: $modelId})
RETURN n {.*, zoneIds: COLLECT { MATCH (n)-[:SITS_IN]->(z:Zone) RETURN z.id ORDER BY z.id }} AS device
ORDER BY n.id
