// Collaborative from the precomputed item-item similarity: sums the SIMILAR
// scores (written by `stylegraph recompute` at or after $freshSince) of the
// neighbours of what $userId liked or bought, each engagement weighted by
// recency. Returns the liked product that contributed most, for the reason.
// $userId, $now, $halfLifeDays, $freshSince, $limit
MATCH (me:User {id: $userId})-[e:LIKED|PURCHASED]->(p:Product)
WITH me, p, max(coalesce(e.at, e.last, $now)) AS at
WITH me, p, 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / 86400.0 / $halfLifeDays END) AS w
MATCH (p)-[s:SIMILAR {source: 'co-engagement'}]->(q:Product)
WHERE s.computedAt >= $freshSince AND NOT EXISTS { (me)-[:LIKED|PURCHASED]->(q) }
WITH q, p, w * s.score AS contrib
ORDER BY contrib DESC
WITH q, sum(contrib) AS score, count(p) AS n, head(collect(p {.id, .title})) AS because
RETURN q.id AS id, score, n, because
ORDER BY score DESC, id
LIMIT $limit
