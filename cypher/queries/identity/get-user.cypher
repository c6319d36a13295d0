// get-user: one account by id, with its password hash (callers never return the hash), or no row.
// params: $id
// returns: user
MATCH (u:User {id: $id})
RETURN u {.*, createdAt: toString(u.createdAt), updatedAt: toString(u.updatedAt),
          lastLoginAt: toString(u.lastLoginAt)} AS user
