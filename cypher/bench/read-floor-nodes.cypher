// read-floor-nodes: every node of one model, as plain nodes (labels and properties), nothing
// joined or mapped. With read-floor-relationships it is the benchmark's read floor: the least a
// projection must read from Neo4j. Benchmark only.
// params: $modelId
// returns: n
MATCH (n:ModelElement {modelId: $modelId})
RETURN n
