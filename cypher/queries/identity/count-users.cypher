// count-users: how many user accounts exist (0 on a fresh database: the first admin is created).
// params: (none)
// returns: count
MATCH (u:User)
RETURN count(u) AS count
