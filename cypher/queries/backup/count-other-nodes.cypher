// count-other-nodes: nodes WITHOUT any of the application's labels ($labels). A backup does not
// contain them; the backup command reports how many there are and with which labels.
// params: $labels
// returns: labels (one row per label combination), count
MATCH (n)
WHERE NOT any(l IN labels(n) WHERE l IN $labels)
RETURN labels(n) AS labels, count(*) AS count
ORDER BY count DESC
