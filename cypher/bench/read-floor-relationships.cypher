// read-floor-relationships: every relationship leaving a node of one model, as plain
// relationships (type, endpoints, properties). The second half of the benchmark's read floor
// (see read-floor-nodes). Benchmark only.
// params: $modelId
// returns: r
MATCH (:ModelElement {modelId: $modelId})-[r]->()
RETURN r
