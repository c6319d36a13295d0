// load-vulnerabilities: the model's vulnerabilities with the device or interface they affect.
// params: $modelId
// returns: vulnerability
MATCH (n:Vulnerability {modelId: $modelId})-[:AFFECTS]->(e:ModelElement)
RETURN n {.*, elementId: e.id} AS vulnerability
ORDER BY n.id
