// A user stops following a tag (idempotent). $from, $name
MATCH (:User {id: $from})-[f:FOLLOWS]->(:Tag {name: $name})
DELETE f
