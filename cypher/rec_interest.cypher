// Interest, with a fixed budget: the $topInterests strongest of the first
// $scan INTERESTED_IN weights of $userId (tags, brands, categories), each
// decayed from updatedAt to $now with half-life $halfLife (seconds), and for each
// its precomputed top products (the `top`/`topScores` lists that
// refresh_top_products.cypher keeps on every Tag, Brand and Category; a
// category's list covers its subcategories), the first $perInterest of them.
// A product scores the sum over the interests it is top in of interest weight
// × its popularity score there. Products are never expanded: the lists hold
// IDs. What the shopper's engagement scan found is left out.
// $userId, $now, $halfLife, $scan, $topInterests, $perInterest, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[:LIKED|PURCHASED|CARTED|HID]->(p:Product)
  WITH p LIMIT $scan
  RETURN collect(p.id) AS mine
}
CALL (me) {
  MATCH (me)-[i:INTERESTED_IN]->(x)
  WITH i, x LIMIT $scan
  WITH x, i.weight * 0.5 ^ (CASE WHEN i.updatedAt > $now THEN 0.0 ELSE duration.inSeconds(i.updatedAt, $now).seconds / $halfLife END) AS w
  RETURN x, w
  ORDER BY w DESC
  LIMIT $topInterests
}
WITH mine, x, w, coalesce(x.top, [])[..$perInterest] AS top, coalesce(x.topScores, []) AS scores
UNWIND range(0, size(top) - 1) AS k
WITH mine, x, w, top[k] AS id, scores[k] AS pop
WHERE NOT id IN mine
ORDER BY w DESC
WITH id, sum(w * coalesce(pop, 1.0)) AS score, collect({kind: toLower(labels(x)[0]), name: coalesce(x.name, x.path)})[..3] AS matched
RETURN id, score, matched
ORDER BY score DESC, id
LIMIT $limit
