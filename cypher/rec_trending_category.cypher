// Trending in one category (with its subcategories): as rec_trending (same
// score, graph.trendScore), but
// starting from up to $products of the category's products (storage order)
// and reading at most $perProduct recent edges of each kind per product.
// $category, $since, $now, $weights, $halfLife (seconds), $products, $perProduct, $limit
MATCH (:Category {path: $category})<-[:SUBCATEGORY_OF*0..3]-(c:Category)<-[:IN_CATEGORY]-(p:Product)
WITH p, c LIMIT $products
CALL (p) {
  CALL (p) { MATCH (:User)-[e:LIKED]->(p) WITH e LIMIT $perProduct WITH e WHERE e.at >= $since AND e.at <= $now RETURN $weights.like AS weight, e.at AS at }
  RETURN weight, at
  UNION ALL
  CALL (p) { MATCH (:User)-[e:VIEWED]->(p) WITH e LIMIT $perProduct WITH e WHERE e.last >= $since AND e.last <= $now RETURN $weights.view AS weight, e.last AS at }
  RETURN weight, at
  UNION ALL
  CALL (p) { MATCH (:User)-[e:CARTED]->(p) WITH e LIMIT $perProduct WITH e WHERE e.last >= $since AND e.last <= $now RETURN $weights.cart AS weight, e.last AS at }
  RETURN weight, at
  UNION ALL
  CALL (p) { MATCH (:User)-[e:PURCHASED]->(p) WITH e LIMIT $perProduct WITH e WHERE e.last >= $since AND e.last <= $now RETURN $weights.purchase AS weight, e.last AS at }
  RETURN weight, at
}
WITH p, c, sum(weight * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / $halfLife END)) AS score, count(*) AS n
RETURN p.id AS id, score, n, c.path AS category
ORDER BY score DESC, id
LIMIT $limit
