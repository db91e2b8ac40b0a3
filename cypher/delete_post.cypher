// Deletes a post and its comments. $id
MATCH (p:Post {id: $id})
WITH p, p.feedId AS feedId
CALL (p) {
  MATCH (c:Comment)-[:ON]->(p)
  DETACH DELETE c
}
DETACH DELETE p
RETURN feedId
