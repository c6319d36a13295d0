// list-naive-transactions: benchmark baseline queries still running on the server (a capped query is
// terminated, but a long expansion can take a while to notice), to wait for before timing the next size.
// params: none
// returns: transactionId
SHOW TRANSACTIONS YIELD transactionId, currentQuery
WHERE currentQuery CONTAINS 'naive-'
RETURN transactionId
