// load-channels: the model's channels with endpoints and the zones they can be reached from.
// Read as value lists (ModelRepository.load, mappers.elementsFromValues): `values` holds the
// properties named in $keys (mappers.storedProperties), in that order; `otherProperties` the
// [name, value] pairs of any other property but modelId (none, unless a node was edited by hand).
// params: $modelId, $keys
// returns: values, otherProperties, fromDeviceId, toDeviceId, fromInterfaceId, toInterfaceId, zoneIds
MATCH (n:Channel {modelId: $modelId})
MATCH (n)-[:FROM_DEVICE]->(f:Device)
MATCH (n)-[:TO_DEVICE]->(t:Device)
OPTIONAL MATCH (n)-[:FROM_INTERFACE]->(fi:Interface)
OPTIONAL MATCH (n)-[:TO_INTERFACE]->(ti:Interface)
RETURN [k IN $keys | n[k]] AS values,
       [k IN keys(n) WHERE k <> 'modelId' AND NOT k IN $keys | [k, n[k]]] AS otherProperties,
       f.id AS fromDeviceId, t.id AS toDeviceId, fi.id AS fromInterfaceId, ti.id AS toInterfaceId,
       COLLECT { MATCH (n)-[:IN_RANGE_OF]->(z:Zone) RETURN z.id ORDER BY z.id } AS zoneIds
ORDER BY n.id
