// get-user-by-username: one account by lower-cased username, or no row.
// params: $usernameKey
// returns: user
MATCH (u:User {usernameKey: $usernameKey})
RETURN u {.*, createdAt: toString(u.createdAt), updatedAt: toString(u.updatedAt),
          lastLoginAt: toString(u.lastLoginAt)} AS user
