// get-catalogue-version: version of the catalogue in force (cache key) and whether it is the bundled one, or no row.
// params: none
// returns: version, bundled
MATCH (cat:Catalogue)
RETURN cat.version AS version, coalesce(cat.bundled, false) AS bundled
LIMIT 1
