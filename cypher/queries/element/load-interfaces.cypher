// load-interfaces: the model's interfaces with their device and exposure zones.
// Read as value lists (ModelRepository.load, mappers.elementsFromValues): `values` holds the
// properties named in $keys (mappers.storedProperties), in that order; `otherProperties` the
// [name, value] pairs of any other property but modelId (none, unless a node was edited by hand).
// params: $modelId, $keys
// returns: values, otherProperties, deviceId, exposedToZoneIds
MATCH (d:Device)-[:HAS_INTERFACE]->(n:Interface {modelId: $modelId})
RETURN [k IN $keys | n[k]] AS values,
       [k IN keys(n) WHERE k <> 'modelId' AND NOT k IN $keys | [k, n[k]]] AS otherProperties,
       d.id AS deviceId,
       COLLECT { MATCH (n)-[:EXPOSED_TO]->(z:Zone) RETURN z.id ORDER BY z.id } AS exposedToZoneIds
ORDER BY n.id
