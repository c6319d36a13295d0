// load-channels: the model's channels with endpoints and the zones they can be reached from.
// params: $modelId
// returns: channel
MATCH (n:Channel {modelId: $modelId})
MATCH (n)-[:FROM_DEVICE]->(f:Device)
MATCH (n)-[:TO_DEVICE]->(t:Device)
OPTIONAL MATCH (n)-[:FROM_INTERFACE]->(fi:Interface)
OPTIONAL MATCH (n)-[:TO_INTERFACE]->(ti:Interface)
RETURN n {.*, fromDeviceId: f.id, toDeviceId: t.id, fromInterfaceId: fi.id, toInterfaceId: ti.id,
          zoneIds: COLLECT { MATCH (n)-[:IN_RANGE_OF]->(z:Zone) RETURN z.id ORDER BY z.id }} AS channel
ORDER BY n.id
