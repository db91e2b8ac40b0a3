// A user stops following a brand (idempotent). $from, $to
MATCH (:User {id: $from})-[f:FOLLOWS]->(:Brand {id: $to})
DELETE f
