// Trending in one category (with its subcategories): as rec_trending, but
// starting from the category's products.
// $category, $since, $now, $halfLifeDays, $limit
MATCH (:Category {path: $category})<-[:SUBCATEGORY_OF*0..3]-(c:Category)<-[:IN_CATEGORY]-(p:Product)
CALL (p) {
  MATCH (:User)-[e:LIKED]->(p) WHERE e.at >= $since AND e.at <= $now RETURN 3.0 AS weight, e.at AS at
  UNION ALL
  MATCH (:User)-[e:VIEWED]->(p) WHERE e.last >= $since AND e.last <= $now RETURN 1.0 AS weight, e.last AS at
  UNION ALL
  MATCH (:User)-[e:CARTED]->(p) WHERE e.last >= $since AND e.last <= $now RETURN 4.0 AS weight, e.last AS at
  UNION ALL
  MATCH (:User)-[e:PURCHASED]->(p) WHERE e.last >= $since AND e.last <= $now RETURN 6.0 AS weight, e.last AS at
}
WITH p, c, sum(weight * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / 86400.0 / $halfLifeDays END)) AS score, count(*) AS n
RETURN p.id AS id, score, n, c.path AS category
ORDER BY score DESC, id
LIMIT $limit
