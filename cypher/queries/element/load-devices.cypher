// load-devices: the model's devices with the zones they sit in.
// Read as value lists (ModelRepository.load, mappers.elementsFromValues): `values` holds the
// properties named in $keys (mappers.storedProperties), in that order; `otherProperties` the
// [name, value] pairs of any other property but modelId (none, unless a node was edited by hand).
// params: $modelId, $keys
// returns: values, otherProperties, zoneIds
MATCH (n:Device {modelId: $modelId})
RETURN [k IN $keys | n[k]] AS values,
       [k IN keys(n) WHERE k <> 'modelId' AND NOT k IN $keys | [k, n[k]]] AS otherProperties,
       COLLECT { MATCH (n)-[:SITS_IN]->(z:Zone) RETURN z.id ORDER BY z.id } AS zoneIds
ORDER BY n.id
