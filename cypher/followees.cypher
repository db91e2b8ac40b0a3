// Everyone and every brand a user follows; users with their follower count so
// the feed can tell celebrities. $userId
MATCH (:User {id: $userId})-[:FOLLOWS]->(x)
WHERE x:User OR x:Brand
RETURN CASE WHEN x:User THEN 'user' ELSE 'brand' END AS kind, x.id AS id,
  CASE WHEN x:User THEN COUNT { (:User)-[:FOLLOWS]->(x) } ELSE 0 END AS followers
