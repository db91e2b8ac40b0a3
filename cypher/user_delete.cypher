// Erases user $id: their posts and comments (with the comments others left
// on those posts) and every relationship. Returns the feed IDs of the deleted
// posts so feeds and caches can drop them too.
MATCH (u:User {id: $id})
OPTIONAL MATCH (u)-[:POSTED]->(p:Post)
WITH u, collect(p) AS posts
CALL (posts) {
  UNWIND posts AS p
  OPTIONAL MATCH (c:Comment)-[:ON]->(p)
  DETACH DELETE c
}
CALL (u) {
  OPTIONAL MATCH (u)-[:WROTE]->(c:Comment)
  DETACH DELETE c
}
WITH u, posts, [p IN posts WHERE p.feedId IS NOT NULL | p.feedId] AS feedIds
FOREACH (p IN posts | DETACH DELETE p)
DETACH DELETE u
RETURN feedIds
