// load-assets: the model's patient-safety assets with their device.
// Read as value lists (ModelRepository.load, mappers.elementsFromValues): `values` holds the
// properties named in $keys (mappers.storedProperties), in that order; `otherProperties` the
// [name, value] pairs of any other property but modelId (none, unless a node was edited by hand).
// params: $modelId, $keys
// returns: values, otherProperties, deviceId
MATCH (d:Device)-[:HAS_ASSET]->(n:Asset {modelId: $modelId})
RETURN [k IN $keys | n[k]] AS values,
       [k IN keys(n) WHERE k <> 'modelId' AND NOT k IN $keys | [k, n[k]]] AS otherProperties,
       d.id AS deviceId
ORDER BY n.id
