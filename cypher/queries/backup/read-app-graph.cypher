// read-app-graph: the whole application graph for a backup (services/backup-service.ts). Every node
// with one of the application's labels ($labels), with all its labels and properties, and its
// outgoing relationships to other such nodes. Each property is [key, type, value], `type` from
// valueType(); values that JSON cannot carry exactly (integers, floats, temporals and lists of
// numbers) are returned as strings, read back by restore-nodes / restore-relationships with the
// matching conversion, so a restore stores the very same types.
// params: $labels
// returns: id (elementId, only to link relationships within this read), labels, properties, rels [{to, type, properties}]
MATCH (n)
WHERE any(l IN labels(n) WHERE l IN $labels)
CALL (n) {
  OPTIONAL MATCH (n)-[r]->(m)
  WHERE any(l IN labels(m) WHERE l IN $labels)
  RETURN collect(CASE WHEN r IS NULL THEN null ELSE {
    to: elementId(m),
    type: type(r),
    properties: [k IN keys(r) | [k, valueType(r[k]), CASE
      WHEN valueType(r[k]) STARTS WITH 'LIST<INTEGER' OR valueType(r[k]) STARTS WITH 'LIST<FLOAT'
        THEN [x IN r[k] | toString(x)]
      WHEN valueType(r[k]) STARTS WITH 'LIST' OR valueType(r[k]) STARTS WITH 'STRING' OR valueType(r[k]) STARTS WITH 'BOOLEAN'
        THEN r[k]
      ELSE toString(r[k]) END]]
  } END) AS rels
}
RETURN elementId(n) AS id,
       labels(n) AS labels,
       [k IN keys(n) | [k, valueType(n[k]), CASE
         WHEN valueType(n[k]) STARTS WITH 'LIST<INTEGER' OR valueType(n[k]) STARTS WITH 'LIST<FLOAT'
           THEN [x IN n[k] | toString(x)]
         WHEN valueType(n[k]) STARTS WITH 'LIST' OR valueType(n[k]) STARTS WITH 'STRING' OR valueType(n[k]) STARTS WITH 'BOOLEAN'
           THEN n[k]
         ELSE toString(n[k]) END]] AS properties,
       rels
