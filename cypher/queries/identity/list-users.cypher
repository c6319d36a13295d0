// list-users: every account, by username.
// params: (none)
// returns: user
MATCH (u:User)
RETURN u {.*, createdAt: toString(u.createdAt), updatedAt: toString(u.updatedAt),
          lastLoginAt: toString(u.lastLoginAt)} AS user
ORDER BY u.usernameKey
