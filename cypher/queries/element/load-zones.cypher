// load-zones: the model's zones.
// params: $modelId
// returns: zone
MATCH (n:Zone {modelId: $modelId})
RETURN n {.id, .name, .kind, .entryPoint, .description, .physicalAccess, .network, .linkedZoneIds, .linkedZoneServices} AS zone
ORDER BY n.id
