// A user likes a post (idempotent). $userId, $postId, $at
MATCH (p:Post {id: $postId})
MERGE (u:User {id: $userId})
MERGE (u)-[l:LIKED]->(p)
ON CREATE SET l.at = $at
RETURN p.feedId AS feedId
