// A user follows another user (idempotent); the follower's node is created
// when missing. $from, $to, $at
MATCH (b:User {id: $to})
MERGE (a:User {id: $from})
MERGE (a)-[f:FOLLOWS]->(b)
ON CREATE SET f.since = $at
RETURN b.id AS id
