// delete-model-elements: removes every element of a model, keeping its header (import with replace).
// params: $modelId
// returns: deleted (count)
MATCH (n:ModelElement {modelId: $modelId})
DETACH DELETE n
RETURN count(*) AS deleted
