// link-placements: (re)links every control placement of every model to its catalogue control.
// params: none
// returns: linked (count)
MATCH (p:ControlPlacement)
MATCH (c:Control {id: p.controlId})
MERGE (p)-[:OF_CONTROL]->(c)
RETURN count(p) AS linked
