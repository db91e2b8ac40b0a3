// A user follows a brand (idempotent). $from, $to, $at
MATCH (b:Brand {id: $to})
MERGE (a:User {id: $from})
MERGE (a)-[f:FOLLOWS]->(b)
ON CREATE SET f.since = $at
RETURN b.id AS id
