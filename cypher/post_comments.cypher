// A page of a post's comments, newest first, below the $before comment ID.
// $postId, $before, $limit
MATCH (p:Post {id: $postId})
RETURN COLLECT {
  MATCH (u:User)-[:WROTE]->(c:Comment)-[:ON]->(p)
  WHERE c.id < $before
  WITH c, u ORDER BY c.id DESC LIMIT $limit
  RETURN {id: c.id, text: c.text, createdAt: c.createdAt, user: u{.id, .name, .imageURL, .home}}
} AS comments
