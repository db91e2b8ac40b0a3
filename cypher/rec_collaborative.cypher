// Collaborative, live: products liked or bought by shoppers who liked or
// bought what $userId did. Neighbours are ranked by overlap normalised by how
// much they engage (so heavy users do not dominate); their engagements are
// weighted by recency (half-life $halfLifeDays before $now) and each
// candidate is damped by popularity^$damping so best-sellers do not crowd out
// everything else. Products the shopper engaged with are left out.
// $userId, $now, $halfLifeDays, $neighbours, $damping, $limit
MATCH (me:User {id: $userId})-[:LIKED|PURCHASED]->(p:Product)
WITH me, collect(DISTINCT p) AS mine
UNWIND mine AS p
MATCH (p)<-[:LIKED|PURCHASED]-(other:User)
WHERE other <> me
WITH me, mine, other, count(DISTINCT p) AS overlap
WITH me, mine, other, overlap / sqrt(toFloat(COUNT { (other)-[:LIKED|PURCHASED]->() })) AS sim
ORDER BY sim DESC, other.id
LIMIT $neighbours
MATCH (other)-[e:LIKED|PURCHASED]->(rec:Product)
WHERE NOT rec IN mine
WITH rec, other, sim, max(coalesce(e.at, e.last, $now)) AS at
WITH rec, other, sim * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / 86400.0 / $halfLifeDays END) AS w
WITH rec, sum(w) AS raw, count(other) AS n
WITH rec, raw, n, COUNT { (rec)<-[:LIKED|PURCHASED]-() } AS pop
RETURN rec.id AS id, raw / (toFloat(pop) ^ $damping) AS score, n
ORDER BY score DESC, id
LIMIT $limit
