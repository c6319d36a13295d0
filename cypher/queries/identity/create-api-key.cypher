// create-api-key: a new API key; only the SHA-256 of its secret is stored.
// params: $key {id, name, secretHash, role, allModels, modelIds, createdById, createdByName, expiresAt}
// returns: key
CREATE (k:ApiKey)
SET k = $key, k.createdAt = datetime()
RETURN k {.*, createdAt: toString(k.createdAt)} AS key
