// A user comments on a post. $id, $userId, $postId, $text, $at
MATCH (p:Post {id: $postId})
MERGE (u:User {id: $userId})
MERGE (c:Comment {id: $id})
ON CREATE SET c.text = $text, c.createdAt = $at
MERGE (u)-[:WROTE]->(c)
MERGE (c)-[:ON]->(p)
RETURN p.feedId AS feedId
