// Product pairs bought or liked by the same shoppers, with association
// measures over all engaged shoppers N: support = both/N, confidence =
// both/count(a), lift = confidence / (count(b)/N). For one product
// ($productId) or, overall, among pairs whose first product is one of the
// $candidates most engaged products, which bounds the work on a big graph.
// $minCount, $limit
CALL () {
  MATCH (u:User) WHERE EXISTS { (u)-[:PURCHASED|LIKED]->(:Product) }
  RETURN count(u) AS n
}
MATCH (a:Product)
WHERE $productId IS NULL OR a.id = $productId
WITH n, a, COUNT { (a)<-[:PURCHASED|LIKED]-(:User) } AS countA
WHERE countA >= $minCount
ORDER BY countA DESC
LIMIT $candidates
WITH n, collect({a: a, countA: countA}) AS tops
WITH n, tops, [t IN tops | t.a] AS topProducts
UNWIND tops AS t
WITH n, topProducts, t.a AS a, t.countA AS countA
MATCH (a)<-[:PURCHASED|LIKED]-(u:User)-[:PURCHASED|LIKED]->(b:Product)
WHERE a <> b AND NOT (b IN topProducts AND b.id < a.id)
WITH n, a, countA, b, count(DISTINCT u) AS both
WHERE both >= $minCount
WITH a, b, both, n, countA, COUNT { (b)<-[:PURCHASED|LIKED]-(:User) } AS countB
WITH a, b, both, n, countA, countB,
     toFloat(both) / n AS support, toFloat(both) / countA AS confidence
RETURN a.id AS a, a.title AS aTitle, b.id AS b, b.title AS bTitle, both,
       support, confidence, confidence / (toFloat(countB) / n) AS lift
ORDER BY lift DESC, both DESC, a, b
LIMIT $limit
