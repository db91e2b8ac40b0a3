// Users and brands ranked by followers, with the engagement reach of their
// content over the window: distinct users who liked a user's posts, or
// liked, carted or bought a brand's products. $since, $limit
CALL () {
  MATCH (u:User)<-[:FOLLOWS]-(f:User)
  WITH u, count(f) AS followers
  ORDER BY followers DESC LIMIT $limit * 5
  OPTIONAL MATCH (u)-[:POSTED]->(:Post)<-[l:LIKED]-(fan:User)
  WHERE l.at >= $since
  RETURN 'user' AS kind, u.id AS id, u.name AS name, followers, count(DISTINCT fan) AS reach
  UNION ALL
  MATCH (b:Brand)<-[:FOLLOWS]-(f:User)
  WITH b, count(f) AS followers
  ORDER BY followers DESC LIMIT $limit * 5
  OPTIONAL MATCH (b)<-[:MADE_BY]-(:Product)<-[e:LIKED|CARTED|PURCHASED]-(fan:User)
  WHERE coalesce(e.last, e.at) >= $since
  RETURN 'brand' AS kind, b.id AS id, b.name AS name, followers, count(DISTINCT fan) AS reach
}
RETURN kind, id, name, followers, reach
ORDER BY followers DESC, reach DESC, id
LIMIT $limit
