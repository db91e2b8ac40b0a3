// Product pairs bought or liked by the same shoppers, with association
// measures over all engaged shoppers N: support = both/N, confidence =
// both/count(a), lift = confidence / (count(b)/N). $productId (or null for
// all pairs), $minCount, $limit
CALL () {
  MATCH (u:User)-[:PURCHASED|LIKED]->(:Product)
  RETURN count(DISTINCT u) AS n
}
MATCH (u:User)-[:PURCHASED|LIKED]->(a:Product)
WHERE $productId IS NULL OR a.id = $productId
MATCH (u)-[:PURCHASED|LIKED]->(b:Product)
WHERE a <> b AND ($productId IS NOT NULL OR a.id < b.id)
WITH n, a, b, count(DISTINCT u) AS both
WHERE both >= $minCount
CALL (a) { MATCH (a)<-[:PURCHASED|LIKED]-(x:User) RETURN count(DISTINCT x) AS countA }
CALL (b) { MATCH (b)<-[:PURCHASED|LIKED]-(x:User) RETURN count(DISTINCT x) AS countB }
WITH a, b, both, n, countA, countB,
     toFloat(both) / n AS support, toFloat(both) / countA AS confidence
RETURN a.id AS a, a.title AS aTitle, b.id AS b, b.title AS bTitle, both,
       support, confidence, confidence / (toFloat(countB) / n) AS lift
ORDER BY lift DESC, both DESC, a, b
LIMIT $limit
