// A user comments on a post, tagging the hashtags and mentioning the users
// in its text (unknown users are skipped). $id, $userId, $postId, $text,
// $at, $tags, $mentions
MATCH (p:Post {id: $postId})
MERGE (u:User {id: $userId})
MERGE (c:Comment {id: $id})
ON CREATE SET c.text = $text, c.createdAt = $at
MERGE (u)-[:WROTE]->(c)
MERGE (c)-[:ON]->(p)
WITH c, p
CALL (c) {
  UNWIND $tags AS name
  MERGE (t:Tag {name: name})
  MERGE (c)-[:TAGGED]->(t)
}
CALL (c) {
  UNWIND $mentions AS uid
  MATCH (m:User {id: uid})
  MERGE (c)-[:MENTIONS]->(m)
}
RETURN p.feedId AS feedId
