// consume-attempts: counts one attempt against each throttle key (fixed windows), atomically. A
// key whose window has passed starts again at 1 with a new window. The counter's write lock is
// taken (SET t.touchedAt) before its count is read, so concurrent attempts, on any number of
// instances, never lose a count. Callers pass the keys sorted (one lock order: no deadlock).
// params: $keys [{key, windowMs}], $now (epoch ms)
// returns: key, count (attempts in the current window, this one included), resetAt (epoch ms)
UNWIND $keys AS k
MERGE (t:AuthThrottle {key: k.key})
  ON CREATE SET t.count = 0, t.resetAt = $now + k.windowMs
SET t.touchedAt = $now
WITH t, k, t.resetAt <= $now AS expired
SET t.count = CASE WHEN expired THEN 1 ELSE t.count + 1 END,
    t.resetAt = CASE WHEN expired THEN $now + k.windowMs ELSE t.resetAt END
RETURN t.key AS key, t.count AS count, t.resetAt AS resetAt
