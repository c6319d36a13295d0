// restore-nodes: creates the nodes of a backup document (a batch of them), with their labels and
// properties converted back to the types they were read with (read-app-graph encodes them).
// params: $nodes [{key, labels, properties: [[key, type, value]]}]
// returns: key, id (elementId of the new node, to link relationships in the same transaction)
UNWIND $nodes AS n
CREATE (x:$(n.labels))
WITH x, n
CALL (x, n) {
  UNWIND n.properties AS p
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
RETURN n.key AS key, elementId(x) AS id
