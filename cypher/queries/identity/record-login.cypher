// record-login: stamps a successful sign-in.
// params: $id
// returns: (nothing)
MATCH (u:User {id: $id})
SET u.lastLoginAt = datetime()
