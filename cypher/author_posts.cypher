// Feed IDs of an author's most recent posts. $authorId, $limit
MATCH (:User {id: $authorId})-[:POSTED]->(p:Post)
RETURN p.feedId AS feedId
ORDER BY p.feedId DESC
LIMIT $limit
