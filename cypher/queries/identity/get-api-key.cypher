// get-api-key: one API key by id (with its secret hash), or no row.
// params: $id
// returns: key
MATCH (k:ApiKey {id: $id})
RETURN k {.*, createdAt: toString(k.createdAt), revokedAt: toString(k.revokedAt),
          lastUsedAt: toString(k.lastUsedAt)} AS key
