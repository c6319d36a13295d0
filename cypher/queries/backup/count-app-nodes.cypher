// count-app-nodes: how many nodes carry one of the application's labels ($labels): 0 means the
// database is empty as far as a restore is concerned.
// params: $labels
// returns: count
MATCH (n)
WHERE any(l IN labels(n) WHERE l IN $labels)
RETURN count(n) AS count
