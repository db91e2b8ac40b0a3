// Similar products to $id: shared brand (1), leaf category (1) and tags (0.5
// each), co-engagement (3 × cosine of the sets of shoppers who liked or
// bought both) and precomputed SIMILAR edges (3 × score). Attributes alone
// give a new product neighbours before anyone engages with it.
// $id, $limit
MATCH (p:Product {id: $id})
CALL (p) {
  MATCH (p)-[:MADE_BY]->(:Brand)<-[:MADE_BY]-(q:Product)
  RETURN q, 'brand' AS why, 1.0 AS s, null AS tag
  UNION ALL
  MATCH (p)-[:IN_CATEGORY]->(:Category)<-[:IN_CATEGORY]-(q:Product)
  RETURN q, 'category' AS why, 1.0 AS s, null AS tag
  UNION ALL
  MATCH (p)-[:TAGGED]->(t:Tag)<-[:TAGGED]-(q:Product)
  RETURN q, 'tag' AS why, 0.5 AS s, t.name AS tag
  UNION ALL
  MATCH (p)-[sim:SIMILAR]->(q:Product)
  RETURN q, 'similar' AS why, 3.0 * sim.score AS s, null AS tag
  UNION ALL
  MATCH (p)<-[:LIKED|PURCHASED]-(u:User)-[:LIKED|PURCHASED]->(q:Product)
  WHERE q <> p
  WITH p, q, count(DISTINCT u) AS n
  WITH q, n, 3.0 * n / sqrt(toFloat(COUNT { (p)<-[:LIKED|PURCHASED]-() } * COUNT { (q)<-[:LIKED|PURCHASED]-() })) AS s
  RETURN q, 'together' AS why, s, toString(n) AS tag
}
WITH p, q, why, s, tag
WHERE q <> p
WITH q, sum(s) AS score,
     max(CASE WHEN why = 'brand' THEN 1 ELSE 0 END) = 1 AS sameBrand,
     max(CASE WHEN why = 'category' THEN 1 ELSE 0 END) = 1 AS sameCategory,
     [x IN collect(CASE WHEN why = 'tag' THEN tag END) WHERE x IS NOT NULL] AS tags,
     coalesce(max(CASE WHEN why = 'together' THEN toInteger(tag) END), 0) AS together
RETURN q.id AS id, score, sameBrand, sameCategory, tags, together
ORDER BY score DESC, id
LIMIT $limit
