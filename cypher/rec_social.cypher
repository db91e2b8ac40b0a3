// Social, with a fixed budget: what up to $followees people $userId follows
// (the most recently followed, in storage order) liked, bought or featured in
// a post since $since — each followee's edges scanned up to $scanPer per kind
// and at most $perFollowee actions each kept — and new products of up to
// $brands followed brands ($scanPer products read per brand). Each action is
// weighted by $actionWeights (liked, bought, posted, new) and decays
// with half-life $halfLife (seconds) before $now. At most $total actions are
// scored, the most recent first. Up to three followed users per action come
// back for the reason. What the shopper's engagement scan found is left out.
// $userId, $since, $now, $halfLife, $actionWeights, $scan, $followees, $perFollowee, $scanPer, $brands, $total, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[:LIKED|PURCHASED|CARTED|HID]->(p:Product)
  WITH p LIMIT $scan
  RETURN collect(p) AS mine
}
CALL (me) {
  MATCH (me)-[:FOLLOWS]->(f:User)
  WITH f LIMIT $followees
  CALL (f) {
    CALL (f) {
      MATCH (f)-[e:LIKED]->(p:Product)
      WITH e, p LIMIT $scanPer
      WITH p, e.at AS at WHERE at >= $since AND at <= $now
      RETURN p, 'liked' AS action, $actionWeights.liked AS weight, at
      UNION ALL
      MATCH (f)-[e:PURCHASED]->(p:Product)
      WITH e, p LIMIT $scanPer
      WITH p, e.last AS at WHERE at >= $since AND at <= $now
      RETURN p, 'bought' AS action, $actionWeights.bought AS weight, at
      UNION ALL
      MATCH (f)-[:POSTED]->(post:Post)
      WITH post LIMIT $scanPer
      WITH post, post.createdAt AS at WHERE at >= $since AND at <= $now
      MATCH (post)-[:FEATURES]->(p:Product)
      RETURN p, 'posted' AS action, $actionWeights.posted AS weight, at
    }
    RETURN p, action, weight, at
    ORDER BY at DESC
    LIMIT $perFollowee
  }
  RETURN p, action, weight, f AS who, null AS brand, at
  UNION ALL
  MATCH (me)-[:FOLLOWS]->(b:Brand)
  WITH b LIMIT $brands
  CALL (b) {
    MATCH (b)<-[:MADE_BY]-(p:Product)
    WITH p LIMIT $scanPer
    WITH p, p.createdAt AS at WHERE at >= $since AND at <= $now
    RETURN p, at
    ORDER BY at DESC
    LIMIT $perFollowee
  }
  RETURN p, 'new' AS action, $actionWeights.new AS weight, null AS who, b AS brand, at
}
WITH mine, p, action, weight, who, brand, at
ORDER BY at DESC
LIMIT $total
WITH mine, p, action, weight, who, brand, max(at) AS at
WHERE NOT p IN mine
WITH p, action, brand, weight * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / $halfLife END) AS w, who
ORDER BY w DESC
WITH p, action, brand, sum(w) AS score, count(who) AS n,
     collect(who {.id, .name, .imageURL, .home})[..3] AS via
WITH p, sum(score) AS score,
     collect({action: action, n: n, via: via, brand: brand.name}) AS actions
RETURN p.id AS id, score, actions
ORDER BY score DESC, id
LIMIT $limit
