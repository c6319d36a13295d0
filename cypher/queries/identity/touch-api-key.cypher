// touch-api-key: records that a key was used (callers throttle this to once a minute per key).
// params: $id
// returns: (nothing)
MATCH (k:ApiKey {id: $id})
SET k.lastUsedAt = datetime()
