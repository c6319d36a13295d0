// get-catalogue-version: version of the catalogue in force (cache key), or no row.
// params: none
// returns: version
MATCH (cat:Catalogue)
RETURN cat.version AS version
LIMIT 1
