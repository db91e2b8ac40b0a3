// Similar products to $id, with a fixed budget: shared brand (1), leaf
// category (1) and tags (0.5 each) among up to $scan products read per brand,
// category and tag; co-engagement (3 × cosine of the sets of shoppers who
// liked or bought both) from up to $perSeed of its shoppers and
// $perNeighbour engagements of each; and the $k best precomputed SIMILAR
// edges (3 × score). Attributes alone give a new product neighbours before
// anyone engages with it. A product with 50,000 likers costs the same as one
// with 50.
// $id, $scan, $perSeed, $perNeighbour, $k, $limit
MATCH (p:Product {id: $id})
CALL (p) {
  MATCH (p)-[:MADE_BY]->(b:Brand)
  CALL (b) { MATCH (b)<-[:MADE_BY]-(q:Product) RETURN q LIMIT $scan }
  RETURN q, 'brand' AS why, 1.0 AS s, null AS tag
  UNION ALL
  MATCH (p)-[:IN_CATEGORY]->(c:Category)
  CALL (c) { MATCH (c)<-[:IN_CATEGORY]-(q:Product) RETURN q LIMIT $scan }
  RETURN q, 'category' AS why, 1.0 AS s, null AS tag
  UNION ALL
  MATCH (p)-[:TAGGED]->(t:Tag)
  CALL (t) { MATCH (t)<-[:TAGGED]-(q:Product) RETURN q LIMIT $scan }
  RETURN q, 'tag' AS why, 0.5 AS s, t.name AS tag
  UNION ALL
  CALL (p) { MATCH (p)-[sim:SIMILAR]->(q:Product) RETURN q, sim.score AS score ORDER BY score DESC LIMIT $k }
  RETURN q, 'similar' AS why, 3.0 * score AS s, null AS tag
  UNION ALL
  CALL (p) { MATCH (p)<-[:LIKED|PURCHASED]-(u:User) RETURN DISTINCT u LIMIT $perSeed }
  CALL (u) { MATCH (u)-[:LIKED|PURCHASED]->(q:Product) RETURN q LIMIT $perNeighbour }
  WITH p, q, count(DISTINCT u) AS n
  WHERE q <> p
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
