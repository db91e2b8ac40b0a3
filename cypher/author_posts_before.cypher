// One page of an author's posts, newest first below feed ID $before (the
// profile feed). $authorId, $before, $limit
MATCH (:User {id: $authorId})-[:POSTED]->(p:Post)
WHERE p.feedId < $before
RETURN p.feedId AS feedId
ORDER BY p.feedId DESC
LIMIT $limit
