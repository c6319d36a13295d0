// list-models-to-migrate: ids of the models whose stored data was last checked under another
// exchange format version than $formatVersion (or never), in id order.
// params: $formatVersion
// returns: id
MATCH (m:ThreatModel)
WHERE coalesce(m.formatVersion, '1.0') <> $formatVersion
RETURN m.id AS id
ORDER BY m.id
