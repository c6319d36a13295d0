// revoke-session: signs one session token out: remembers its id until it would have expired
// (idempotent). Pruned by prune-auth-state once expired.
// params: $jti, $userId, $expiresAt (epoch ms, the token's exp)
// returns: (nothing)
MERGE (r:RevokedSession {jti: $jti})
  ON CREATE SET r.userId = $userId, r.expiresAt = $expiresAt, r.revokedAt = datetime()
