// update-user: replaces the changeable fields of an account; no row if absent. Bumping
// sessionVersion revokes every session token issued before.
// params: $id, $set {displayName, role, allModels, modelIds, disabled, passwordHash, sessionVersion}
// returns: user
MATCH (u:User {id: $id})
SET u += $set, u.updatedAt = datetime()
RETURN u {.*, createdAt: toString(u.createdAt), updatedAt: toString(u.updatedAt),
          lastLoginAt: toString(u.lastLoginAt)} AS user
