// A shopper without a stored list, in one query with a fixed budget: the
// item neighbours of their engagements (rec_delta with $since at the epoch)
// and what people they follow liked or bought. The shopper's engagements are
// scanned up to $scan edges (likes, purchases, carts and hides): all of them
// come back as `engaged`, left out of both lists. The $seeds most recent
// likes, purchases and carts each contribute their $k best SIMILAR
// neighbours computed at or after $freshSince, weighted by seed recency ×
// similarity. Social reads up to $followees followed users (the most
// recently followed, in storage order), $scanPer edges per kind of each,
// keeps each one's $perFollowee most recent actions since $since and scores
// the $total most recent of all, each weighted by $actionWeights (liked,
// bought) and decayed with half-life $halfLife (seconds) before $now; up to
// three followed users per action come back for the reason. Posts and
// followed brands, which the full social query adds, wait for the stored
// list. No step reads a product's likers, so popular products cost the same
// as any other. One row; no row when the shopper does not exist.
// $userId, $now, $since, $halfLife, $freshSince, $actionWeights, $scan, $seeds, $k, $followees, $scanPer, $perFollowee, $total, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[e:LIKED|PURCHASED|CARTED|HID]->(p:Product)
  WITH e, p LIMIT $scan
  RETURN collect(p) AS mine,
         collect(CASE WHEN type(e) <> 'HID' THEN {p: p, at: coalesce(e.at, e.last, $now)} END) AS engaged
}
CALL (mine, engaged) {
  UNWIND engaged AS x
  WITH x.p AS p, max(x.at) AS at
  ORDER BY at DESC
  LIMIT $seeds
  WITH p, 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / $halfLife END) AS w
  CALL (p) {
    MATCH (p)-[s:SIMILAR]->(q:Product)
    WHERE s.computedAt >= $freshSince
    RETURN q, s.score AS sim
    ORDER BY sim DESC
    LIMIT $k
  }
  WITH p, q, w * sim AS contrib
  WHERE NOT q IN mine
  ORDER BY contrib DESC
  WITH q, sum(contrib) AS score, count(p) AS n, head(collect(p {.id, .title})) AS because
  ORDER BY score DESC, q.id
  LIMIT $limit
  RETURN collect({id: q.id, score: score, n: n, because: because}) AS candidates
}
CALL (me, mine) {
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
    }
    RETURN p, action, weight, at
    ORDER BY at DESC
    LIMIT $perFollowee
  }
  WITH f, p, action, weight, at
  ORDER BY at DESC
  LIMIT $total
  WITH f, p, action, weight, at
  WHERE NOT p IN mine
  WITH p, action, f, weight * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / $halfLife END) AS w
  ORDER BY w DESC
  WITH p, action, sum(w) AS score, count(DISTINCT f) AS n, collect(DISTINCT f {.id, .name, .imageURL, .home})[..3] AS via
  WITH p, sum(score) AS score, collect({action: action, n: n, via: via}) AS actions
  ORDER BY score DESC, p.id
  LIMIT $limit
  RETURN collect({id: p.id, score: score, actions: actions}) AS social
}
RETURN [p IN mine | p.id] AS engaged, candidates, social
