// naive-shortest-path: the same question with shortestPath per (entry zone, asset) pair, bounded
// at 20 hops (unweighted: ignores likelihood and controls). Benchmark baseline only.
// params: $modelId, $severities
// returns: paths (count), targets (count)
MATCH (z:Zone {modelId: $modelId, entryPoint: true})
MATCH (a:Asset {modelId: $modelId})
WHERE a.severity IN $severities
MATCH p = shortestPath((z)-[*..20]-(a))
RETURN count(p) AS paths, count(DISTINCT a) AS targets
