// delete-elements: removes elements of a model by id (any kind), with their relationships.
// params: $modelId, $ids
// returns: deleted (count)
MATCH (n:ModelElement {modelId: $modelId})
WHERE n.id IN $ids
DETACH DELETE n
RETURN count(*) AS deleted
