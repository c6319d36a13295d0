// load-assets: the model's patient-safety assets with their device.
// params: $modelId
// returns: asset
MATCH (d:Device)-[:HAS_ASSET]->(n:Asset {modelId: $modelId})
RETURN n {.*, deviceId: d.id} AS asset
ORDER BY n.id
