// get-session-user: the account behind a session token and whether that token was signed out,
// in one read (every request authenticated with a session token runs it).
// params: $id (user id), $jti (the token's id)
// returns: user (no row if the account does not exist), revoked (boolean)
MATCH (u:User {id: $id})
OPTIONAL MATCH (r:RevokedSession {jti: $jti})
RETURN u {.*, createdAt: toString(u.createdAt), updatedAt: toString(u.updatedAt),
          lastLoginAt: toString(u.lastLoginAt)} AS user,
       r IS NOT NULL AS revoked
