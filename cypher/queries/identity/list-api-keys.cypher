// list-api-keys: every API key, newest first.
// params: (none)
// returns: key
MATCH (k:ApiKey)
RETURN k {.*, createdAt: toString(k.createdAt), revokedAt: toString(k.revokedAt),
          lastUsedAt: toString(k.lastUsedAt)} AS key
ORDER BY k.createdAt DESC
