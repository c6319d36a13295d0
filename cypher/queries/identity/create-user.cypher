// create-user: a new local account (the constraints reject a duplicate id or username).
// params: $user {id, username, usernameKey, displayName, role, allModels, modelIds, passwordHash}
// returns: user
CREATE (u:User)
SET u = $user, u.disabled = false, u.sessionVersion = 1, u.createdAt = datetime(), u.updatedAt = datetime()
RETURN u {.*, createdAt: toString(u.createdAt), updatedAt: toString(u.updatedAt)} AS user
