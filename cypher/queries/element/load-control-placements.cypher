// load-control-placements: the model's control placements with the element they sit on.
// params: $modelId
// returns: placement
MATCH (n:ControlPlacement {modelId: $modelId})-[:PLACED_ON]->(e:ModelElement)
RETURN n {.*, elementId: e.id} AS placement
ORDER BY n.id
