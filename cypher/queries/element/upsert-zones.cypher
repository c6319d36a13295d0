// upsert-zones: creates or replaces zones.
// params: $modelId, $zones [{id, props}]
// returns: written (count)
UNWIND $zones AS z
MERGE (n:ModelElement:Zone {modelId: $modelId, id: z.id})
SET n = z.props, n.modelId = $modelId, n.id = z.id
RETURN count(n) AS written
