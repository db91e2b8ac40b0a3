// Collaborative from the precomputed item neighbours, with a fixed budget:
// the shopper's engagements are scanned up to $scan edges (likes, purchases,
// carts and hides, most recent first in storage order), the $seeds most
// recent likes, purchases and carts among them are the seeds, and each seed
// contributes its $k best SIMILAR neighbours (any source) computed at or after
// $freshSince. Every candidate sums seed recency weight × similarity. What
// the scan found is left out. Returns the seed that contributed most, for the
// reason. No step reads a product's likers, so popular products cost the same
// as any other.
// $userId, $now, $halfLife (seconds), $freshSince, $scan, $seeds, $k, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[e:LIKED|PURCHASED|CARTED|HID]->(p:Product)
  WITH e, p LIMIT $scan
  RETURN collect(p) AS mine, collect(CASE WHEN type(e) <> 'HID' THEN {p: p, at: coalesce(e.at, e.last, $now)} END) AS engaged
}
UNWIND engaged AS x
WITH mine, x.p AS p, max(x.at) AS at
ORDER BY at DESC
LIMIT $seeds
WITH mine, p, 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / $halfLife END) AS w
CALL (p) {
  MATCH (p)-[s:SIMILAR]->(q:Product)
  WHERE s.computedAt >= $freshSince
  RETURN q, s.score AS sim
  ORDER BY sim DESC
  LIMIT $k
}
WITH mine, p, q, w * sim AS contrib
WHERE NOT q IN mine
ORDER BY contrib DESC
WITH q, sum(contrib) AS score, count(p) AS n, head(collect(p {.id, .title})) AS because
RETURN q.id AS id, score, n, because
ORDER BY score DESC, id
LIMIT $limit
