// Sign-in throttling and sign-out (issue #11): attempt counters shared by every instance, and
// revoked session tokens kept until they would have expired anyway (both pruned by expiry).
CREATE CONSTRAINT auth_throttle_key IF NOT EXISTS FOR (t:AuthThrottle) REQUIRE t.key IS UNIQUE;
CREATE INDEX auth_throttle_reset IF NOT EXISTS FOR (t:AuthThrottle) ON (t.resetAt);
CREATE CONSTRAINT revoked_session_jti IF NOT EXISTS FOR (r:RevokedSession) REQUIRE r.jti IS UNIQUE;
CREATE INDEX revoked_session_expiry IF NOT EXISTS FOR (r:RevokedSession) ON (r.expiresAt);
