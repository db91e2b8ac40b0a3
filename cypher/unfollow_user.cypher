// A user stops following a user (idempotent). $from, $to
MATCH (:User {id: $from})-[f:FOLLOWS]->(:User {id: $to})
DELETE f
