// A user's timeline straight from the graph, newest first below feed ID
// $before: their own posts, posts by users they follow and posts featuring
// products of brands they follow. Used to rebuild a lost list and to scroll
// past the cached one. $userId, $before, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[:POSTED]->(p:Post) WHERE p.feedId < $before
  RETURN p, 0 AS rank, 'own' AS reason, '' AS kind, 0 AS source
  UNION
  MATCH (me)-[:FOLLOWS]->(a:User)-[:POSTED]->(p:Post) WHERE p.feedId < $before
  RETURN p, 1 AS rank, 'following' AS reason, 'user' AS kind, a.id AS source
  UNION
  MATCH (me)-[:FOLLOWS]->(b:Brand)<-[:MADE_BY]-(:Product)<-[:FEATURES]-(p:Post) WHERE p.feedId < $before
  RETURN p, 2 AS rank, 'brand' AS reason, 'brand' AS kind, b.id AS source
}
WITH p, rank, reason, kind, source ORDER BY rank
WITH p, collect({reason: reason, kind: kind, source: source})[0] AS why
RETURN p.feedId AS feedId, why.reason AS reason, why.kind AS kind, why.source AS source
ORDER BY feedId DESC
LIMIT $limit
