// Users $userId may want to follow, best first: people followed by people
// they follow (2 per path), people who like what they like (1 per shared
// like, from the 200 most recent likes), and people following the brands
// they follow (0.5 each). Themselves and whom they already follow are left
// out. $userId, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[:FOLLOWS]->(:User)-[:FOLLOWS]->(c:User)
  RETURN c, 2.0 AS w, 'friends' AS why
  UNION ALL
  MATCH (me)-[l:LIKED]->(x)
  WITH me, x ORDER BY l.at DESC LIMIT 200
  MATCH (x)<-[:LIKED]-(c:User)
  RETURN c, 1.0 AS w, 'taste' AS why
  UNION ALL
  MATCH (me)-[:FOLLOWS]->(:Brand)<-[:FOLLOWS]-(c:User)
  RETURN c, 0.5 AS w, 'brands' AS why
}
WITH me, c, w, why
WHERE c <> me AND NOT (me)-[:FOLLOWS]->(c)
WITH c, why, sum(w) AS score
ORDER BY score DESC
WITH c, sum(score) AS score, collect(why) AS whys
RETURN c.id AS id, c.name AS name, c.imageURL AS imageURL, c.home AS home, score, whys[0] AS reason
ORDER BY score DESC, id
LIMIT $limit
