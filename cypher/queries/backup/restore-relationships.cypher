// restore-relationships: creates the relationships of a backup document (a batch) between nodes
// created by restore-nodes in the same transaction, properties converted as there.
// params: $rels [{from, to, type, properties: [[key, type, value]]}] (from/to: elementIds)
// returns: created
UNWIND $rels AS r
MATCH (a) WHERE elementId(a) = r.from
MATCH (b) WHERE elementId(b) = r.to
CREATE (a)-[x:$(r.type)]->(b)
WITH x, r
CALL (x, r) {
  UNWIND r.properties AS p
  WITH x, p[0] AS k, p[1] AS t, p[2] AS v
  SET x[k] = CASE t
    WHEN 'INTEGER' THEN toInteger(v)
    WHEN 'FLOAT' THEN toFloat(v)
    WHEN 'ZONED DATETIME' THEN datetime(v)
    WHEN 'LOCAL DATETIME' THEN localdatetime(v)
    WHEN 'DATE' THEN date(v)
    WHEN 'ZONED TIME' THEN time(v)
    WHEN 'LOCAL TIME' THEN localtime(v)
    WHEN 'DURATION' THEN duration(v)
    WHEN 'LIST<INTEGER>' THEN [e IN v | toInteger(e)]
    WHEN 'LIST<FLOAT>' THEN [e IN v | toFloat(e)]
    ELSE v
  END
}
RETURN count(*) AS created
