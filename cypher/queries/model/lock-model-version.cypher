// lock-model-version: takes the model's write lock (SET) in the caller's write transaction and
// returns the version read under it, i.e. the latest committed one, which no other write can change
// until this transaction ends. Used to check a client's expectedVersion before a write that does
// not bump the version through bump-model-version (model header update, model deletion).
// No row if the model does not exist.
// params: $modelId
// returns: version
MATCH (m:ThreatModel {id: $modelId})
SET m.writeLock = true
REMOVE m.writeLock
RETURN m.version AS version
