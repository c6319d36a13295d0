// load-zones: the model's zones.
// Read as value lists (ModelRepository.load, mappers.elementsFromValues): `values` holds the
// properties named in $keys (mappers.storedProperties), in that order; `otherProperties` the
// [name, value] pairs of any other property but modelId (none, unless a node was edited by hand).
// params: $modelId, $keys
// returns: values, otherProperties
MATCH (n:Zone {modelId: $modelId})
RETURN [k IN $keys | n[k]] AS values,
       [k IN keys(n) WHERE k <> 'modelId' AND NOT k IN $keys | [k, n[k]]] AS otherProperties
ORDER BY n.id
