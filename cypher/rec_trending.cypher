// Trending overall (the score is graph.trendScore's, shared with
// insights_trending): engagement since $since weighted by kind ($weights, the
// engagement scale), each decayed with half-life $halfLife (seconds) before $now. Each
// kind reads at most its $scan most recent edges, newest first through the
// relationship indexes on LIKED.at, VIEWED.last, CARTED.last and
// PURCHASED.last, so the cost is fixed however busy the window was.
// $since, $now, $weights, $halfLife, $scan, $limit
CALL () {
  CALL () {
    MATCH (:User)-[e:LIKED]->(p:Product) WHERE e.at >= $since AND e.at <= $now
    RETURN p, e.at AS at ORDER BY at DESC LIMIT $scan
  }
  RETURN p, $weights.like AS weight, at
  UNION ALL
  CALL () {
    MATCH (:User)-[e:VIEWED]->(p:Product) WHERE e.last >= $since AND e.last <= $now
    RETURN p, e.last AS at ORDER BY at DESC LIMIT $scan
  }
  RETURN p, $weights.view AS weight, at
  UNION ALL
  CALL () {
    MATCH (:User)-[e:CARTED]->(p:Product) WHERE e.last >= $since AND e.last <= $now
    RETURN p, e.last AS at ORDER BY at DESC LIMIT $scan
  }
  RETURN p, $weights.cart AS weight, at
  UNION ALL
  CALL () {
    MATCH (:User)-[e:PURCHASED]->(p:Product) WHERE e.last >= $since AND e.last <= $now
    RETURN p, e.last AS at ORDER BY at DESC LIMIT $scan
  }
  RETURN p, $weights.purchase AS weight, at
}
WITH p, sum(weight * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / $halfLife END)) AS score, count(*) AS n
ORDER BY score DESC, p.id
LIMIT $limit
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
RETURN p.id AS id, score, n, c.path AS category
ORDER BY score DESC, id
