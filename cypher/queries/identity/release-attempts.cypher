// release-attempts: after a successful attempt, clears a counter (clear: true) or gives back the
// one attempt it counted (clear: false; never below 0). Lock before read, as in consume-attempts.
// params: $keys [{key, clear}], $now (epoch ms)
// returns: (nothing)
UNWIND $keys AS k
MATCH (t:AuthThrottle {key: k.key})
SET t.touchedAt = $now
WITH t, k
SET t.count = CASE WHEN k.clear OR t.count <= 1 THEN 0 ELSE t.count - 1 END
