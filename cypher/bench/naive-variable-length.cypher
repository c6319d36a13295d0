// naive-variable-length: what a Neo4j user would first write for "which high-severity assets can an
// attacker reach from an entry point": variable-length path enumeration over the model graph
// (any relationship, either direction), bounded at 8 hops. Benchmark baseline only.
// params: $modelId, $severities
// returns: paths (count), targets (count)
MATCH (z:Zone {modelId: $modelId, entryPoint: true})
MATCH p = (z)-[*1..8]-(a:Asset {modelId: $modelId})
WHERE a.severity IN $severities
RETURN count(p) AS paths, count(DISTINCT a) AS targets
