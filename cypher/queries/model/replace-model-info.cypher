// replace-model-info: the header step of an import with replace. Takes the model's write lock
// first (SET), so the version and createdAt read afterwards are the latest committed ones, then
// sets name/description and bumps the version. The caller compares `previous` and `createdAt` with
// the state it read the replaced document at and aborts (rolls back) on a mismatch, so the
// automatic snapshot it stores in the same transaction is exactly the document replaced.
// No row if the model does not exist.
// The whole model is rewritten in exchange format $formatVersion: marked so.
// params: $modelId, $name, $description, $formatVersion
// returns: previous, model
MATCH (m:ThreatModel {id: $modelId})
SET m.writeLock = true
REMOVE m.writeLock
WITH m, m.version AS previous
SET m.name = $name, m.description = $description, m.version = previous + 1, m.updatedAt = datetime(),
    m.formatVersion = $formatVersion
RETURN previous,
       m {.id, .name, .description, .version, createdAt: toString(m.createdAt), updatedAt: toString(m.updatedAt)} AS model
