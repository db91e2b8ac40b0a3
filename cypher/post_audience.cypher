// What fan-out needs to know about a post: its author and their follower
// count, its feed ID, the brands of its products and its tags. $id
MATCH (a:User)-[:POSTED]->(p:Post {id: $id})
RETURN a.id AS authorId, p.feedId AS feedId,
  COUNT { (:User)-[:FOLLOWS]->(a) } AS followers,
  COLLECT { MATCH (p)-[:FEATURES]->(:Product)-[:MADE_BY]->(b:Brand) RETURN DISTINCT b.id } AS brands,
  COLLECT { MATCH (p)-[:TAGGED]->(t:Tag) RETURN t.name } AS tags
