// revoke-api-key: marks a key revoked (kept for the audit trail); no row if absent.
// params: $id
// returns: key
MATCH (k:ApiKey {id: $id})
SET k.revokedAt = coalesce(k.revokedAt, datetime())
RETURN k {.*, createdAt: toString(k.createdAt), revokedAt: toString(k.revokedAt),
          lastUsedAt: toString(k.lastUsedAt)} AS key
