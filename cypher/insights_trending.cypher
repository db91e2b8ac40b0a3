// Products, tags or brands by time-decayed engagement (graph.trendScore, as
// rec_trending) in the window
// [$since, $now), with the raw engagement of the window before it for the
// change, weighted by kind ($weights, the engagement scale); half-life
// $halfLife (seconds).
// $kind is 'product' | 'tag' | 'brand'; $category (a category path or null)
// narrows to products under that category. $prevSince, $since, $now, $limit,
// $windowSeconds ($now - $since), $buckets
// With a category, the match starts there, so it reads only that part of
// the graph; without one it reads every engagement.
CALL () {
  WITH $category AS category WHERE category IS NULL
  MATCH (:User)-[r:LIKED|CARTED|PURCHASED|VIEWED]->(p:Product)
  RETURN p, r
  UNION ALL
  WITH $category AS category WHERE category IS NOT NULL
  MATCH (:Category {path: category})<-[:SUBCATEGORY_OF*0..]-(:Category)<-[:IN_CATEGORY]-(p:Product)
  WITH DISTINCT p
  MATCH (:User)-[r:LIKED|CARTED|PURCHASED|VIEWED]->(p)
  RETURN p, r
}
WITH p, r, coalesce(r.last, r.at) AS t
WHERE t >= $prevSince AND t < $now
WITH p, t, CASE type(r) WHEN 'PURCHASED' THEN $weights.purchase WHEN 'CARTED' THEN $weights.cart WHEN 'LIKED' THEN $weights.like ELSE $weights.view END AS w
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
// Series: the window's raw weighted engagement in $buckets equal slices,
// oldest first, summed per slice before per row so no row collects its
// engagements.
WITH id, name, t, w,
  CASE WHEN t >= $since
    THEN toInteger(floor(duration.inSeconds($since, t).seconds * $buckets / $windowSeconds))
    ELSE -1 END AS bucket
WITH id, name, bucket,
  sum(CASE WHEN bucket >= 0 THEN w * 0.5 ^ (duration.inSeconds(t, $now).seconds / $halfLife) ELSE 0.0 END) AS bscore,
  sum(CASE WHEN bucket >= 0 THEN w ELSE 0.0 END) AS bcurrent,
  sum(CASE WHEN bucket < 0 THEN w ELSE 0.0 END) AS bprevious
WITH id, name, sum(bscore) AS score, sum(bcurrent) AS current, sum(bprevious) AS previous,
  collect(CASE WHEN bucket >= 0 THEN [bucket, bcurrent] END) AS slices
WHERE current > 0
RETURN id, name, score, current, previous,
  [i IN range(0, $buckets - 1) | reduce(acc = 0.0, x IN slices | acc + CASE WHEN x[0] = i THEN x[1] ELSE 0.0 END)] AS series
ORDER BY score DESC, name
LIMIT $limit
