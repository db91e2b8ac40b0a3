// A user follows a tag (idempotent); the user's and the tag's nodes are
// created when missing, and an older unfollow tombstone goes. $from, $name, $at
MERGE (a:User {id: $from})
MERGE (t:Tag {name: $name})
MERGE (a)-[f:FOLLOWS]->(t)
ON CREATE SET f.since = $at, f.at = $at
WITH a, t
OPTIONAL MATCH (a)-[u:UNFOLLOWED]->(t)
DELETE u
