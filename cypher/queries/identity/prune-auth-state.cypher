// prune-auth-state: deletes throttle counters whose window has passed and revoked session tokens
// that have expired anyway (at most 10 000 of each per call).
// params: $now (epoch ms)
// returns: counters, sessions (how many were deleted)
CALL {
  MATCH (t:AuthThrottle) WHERE t.resetAt <= $now
  WITH t LIMIT 10000
  DELETE t
  RETURN count(*) AS counters
}
CALL {
  MATCH (r:RevokedSession) WHERE r.expiresAt <= $now
  WITH r LIMIT 10000
  DELETE r
  RETURN count(*) AS sessions
}
RETURN counters, sessions
