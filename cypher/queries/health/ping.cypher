// ping: readiness probe.
// params: none
// returns: ok
RETURN 1 AS ok
