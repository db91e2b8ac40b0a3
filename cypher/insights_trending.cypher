// Products, tags or brands by time-decayed engagement in the window
// [$since, $now), with the raw engagement of the window before it for the
// change. Weights: purchase 6, cart 4, like 3, view 1; half-life $halfLifeHours.
// $kind is 'product' | 'tag' | 'brand'; $category (a category path or null)
// narrows to products under that category. $prevSince, $since, $now, $limit
MATCH (:User)-[r:LIKED|CARTED|PURCHASED|VIEWED]->(p:Product)
WITH p, r, coalesce(r.last, r.at) AS t
WHERE t >= $prevSince AND t < $now
  AND ($category IS NULL OR EXISTS {
    MATCH (p)-[:IN_CATEGORY]->(:Category)-[:SUBCATEGORY_OF*0..]->(c:Category {path: $category})
  })
WITH p, t, CASE type(r) WHEN 'PURCHASED' THEN 6.0 WHEN 'CARTED' THEN 4.0 WHEN 'LIKED' THEN 3.0 ELSE 1.0 END AS w
CALL (p) {
  WITH p WHERE $kind = 'product'
  RETURN p.id AS id, p.title AS name
  UNION
  WITH p WHERE $kind = 'tag'
  MATCH (p)-[:TAGGED]->(tag:Tag)
  RETURN null AS id, tag.name AS name
  UNION
  WITH p WHERE $kind = 'brand'
  MATCH (p)-[:MADE_BY]->(b:Brand)
  RETURN b.id AS id, b.name AS name
}
WITH id, name,
  sum(CASE WHEN t >= $since THEN w * 0.5 ^ (duration.inSeconds(t, $now).seconds / 3600.0 / $halfLifeHours) ELSE 0.0 END) AS score,
  sum(CASE WHEN t >= $since THEN w ELSE 0.0 END) AS current,
  sum(CASE WHEN t < $since THEN w ELSE 0.0 END) AS previous
WHERE current > 0
RETURN id, name, score, current, previous
ORDER BY score DESC, name
LIMIT $limit
