// delete-app-nodes: removes every node with one of the application's labels ($labels) and its
// relationships (restore --yes, in the restore's write transaction, so a failed restore keeps them).
// params: $labels
// returns: deleted
MATCH (n)
WHERE any(l IN labels(n) WHERE l IN $labels)
DETACH DELETE n
RETURN count(*) AS deleted
