// What fan-out needs to know about a post: its author and their follower
// count, its feed ID, the brands of its products and its tags; and, when the
// author has fewer than $pushBelow followers (their posts are pushed), every
// follower ID as one list, so fan-out needs no second read for them.
// $id, $pushBelow
MATCH (a:User)-[:POSTED]->(p:Post {id: $id})
WITH a, p, COUNT { (:User)-[:FOLLOWS]->(a) } AS followers
RETURN a.id AS authorId, p.feedId AS feedId, followers,
  CASE WHEN followers < $pushBelow THEN COLLECT { MATCH (f:User)-[:FOLLOWS]->(a) RETURN f.id } ELSE [] END AS followerIds,
  COLLECT { MATCH (p)-[:FEATURES]->(:Product)-[:MADE_BY]->(b:Brand) RETURN DISTINCT b.id } AS brands,
  COLLECT { MATCH (p)-[:TAGGED]->(t:Tag) RETURN t.name } AS tags
