// Collaborative, live, with a fixed budget: from the shopper's $seeds most
// recent likes and purchases (out of a scan of $scan engagement edges), up to
// $perSeed other shoppers who engaged with each seed (the most recent in
// storage order), ranked by how many seeds they share normalised by how much
// they engage; the best $neighbours contribute up to $perNeighbour of their
// own engagements each, weighted by recency (half-life $halfLife (seconds) before
// $now) and damped by popularity^$damping. A product liked by 50,000 shoppers
// costs $perSeed steps, not 50,000. What the scan found is left out.
// $userId, $now, $halfLife, $scan, $seeds, $perSeed, $neighbours, $perNeighbour, $damping, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[e:LIKED|PURCHASED|CARTED|HID]->(p:Product)
  WITH e, p LIMIT $scan
  RETURN collect(p) AS mine, collect(CASE WHEN type(e) IN ['LIKED', 'PURCHASED'] THEN {p: p, at: coalesce(e.at, e.last, $now)} END) AS engaged
}
UNWIND engaged AS x
WITH me, mine, x.p AS p, max(x.at) AS at
ORDER BY at DESC
LIMIT $seeds
CALL (me, p) {
  MATCH (p)<-[:LIKED|PURCHASED]-(other:User)
  WHERE other <> me
  RETURN other
  LIMIT $perSeed
}
WITH mine, other, count(*) AS overlap
WITH mine, other, overlap / sqrt(toFloat(COUNT { (other)-[:LIKED|PURCHASED]->() })) AS sim
ORDER BY sim DESC, other.id
LIMIT $neighbours
CALL (other) {
  MATCH (other)-[e:LIKED|PURCHASED]->(rec:Product)
  RETURN rec, coalesce(e.at, e.last, $now) AS at
  LIMIT $perNeighbour
}
WITH mine, rec, other, sim, max(at) AS at
WHERE NOT rec IN mine
WITH rec, other, sim * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / $halfLife END) AS w
WITH rec, sum(w) AS raw, count(other) AS n
WITH rec, raw, n, COUNT { (rec)<-[:LIKED|PURCHASED]-() } AS pop
RETURN rec.id AS id, raw / (toFloat(pop) ^ $damping) AS score, n
ORDER BY score DESC, id
LIMIT $limit
