// What changed in a shopper's taste since $since, with a fixed budget: the
// online path's one query on top of a stored list (and, with $since at the
// epoch, a cold shopper's whole personal list). The shopper's engagements
// are scanned up to $scan edges (likes, purchases, carts and hides, most
// recent first in storage order): all of them come back as `engaged`, which
// the caller leaves out of the list (a stored list already left out what
// was engaged when it was ranked). The $seeds most recent likes, purchases
// and carts at or after $since are the seeds, and each contributes its $k
// best SIMILAR neighbours (any source) computed at or after $freshSince,
// weighted by seed recency × similarity, as rec_item_based does. No step
// reads a product's likers, so popular products cost the same as any other.
// One row; no row when the shopper does not exist.
// $userId, $now, $since, $halfLife (seconds), $freshSince, $scan, $seeds, $k, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[e:LIKED|PURCHASED|CARTED|HID]->(p:Product)
  WITH e, p LIMIT $scan
  RETURN collect(p) AS mine,
         collect(CASE WHEN type(e) <> 'HID' AND coalesce(e.at, e.last, $now) >= $since
                      THEN {p: p, at: coalesce(e.at, e.last, $now)} END) AS engaged
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
RETURN [p IN mine | p.id] AS engaged, candidates
