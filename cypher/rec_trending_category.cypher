// Trending in one category (with its subcategories): as rec_trending, but
// starting from up to $products of the category's products (storage order)
// and reading at most $perProduct recent edges of each kind per product.
// $category, $since, $now, $halfLifeDays, $products, $perProduct, $limit
MATCH (:Category {path: $category})<-[:SUBCATEGORY_OF*0..3]-(c:Category)<-[:IN_CATEGORY]-(p:Product)
WITH p, c LIMIT $products
CALL (p) {
  CALL (p) { MATCH (:User)-[e:LIKED]->(p) WITH e LIMIT $perProduct WITH e WHERE e.at >= $since AND e.at <= $now RETURN 3.0 AS weight, e.at AS at }
  RETURN weight, at
  UNION ALL
  CALL (p) { MATCH (:User)-[e:VIEWED]->(p) WITH e LIMIT $perProduct WITH e WHERE e.last >= $since AND e.last <= $now RETURN 1.0 AS weight, e.last AS at }
  RETURN weight, at
  UNION ALL
  CALL (p) { MATCH (:User)-[e:CARTED]->(p) WITH e LIMIT $perProduct WITH e WHERE e.last >= $since AND e.last <= $now RETURN 4.0 AS weight, e.last AS at }
  RETURN weight, at
  UNION ALL
  CALL (p) { MATCH (:User)-[e:PURCHASED]->(p) WITH e LIMIT $perProduct WITH e WHERE e.last >= $since AND e.last <= $now RETURN 6.0 AS weight, e.last AS at }
  RETURN weight, at
}
WITH p, c, sum(weight * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / 86400.0 / $halfLifeDays END)) AS score, count(*) AS n
RETURN p.id AS id, score, n, c.path AS category
ORDER BY score DESC, id
LIMIT $limit
