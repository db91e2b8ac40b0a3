// Counts views of existing products and posts. The relationship remembers
// the last $keep event IDs it absorbed so a redelivered event is not counted
// twice. $rows: [{eventId, userId, kind: 'product'|'post', id, at}]
UNWIND $rows AS r
MERGE (u:User {id: r.userId})
WITH u, r
CALL (r) {
  WITH r WHERE r.kind = 'product'
  MATCH (x:Product {id: r.id})
  RETURN x
  UNION
  WITH r WHERE r.kind = 'post'
  MATCH (x:Post {id: r.id})
  RETURN x
}
MERGE (u)-[v:VIEWED]->(x)
WITH v, r
WHERE NOT r.eventId IN coalesce(v.lastEventIds, [])
SET v.count = coalesce(v.count, 0) + 1,
    v.first = CASE WHEN v.first IS NULL OR r.at < v.first THEN r.at ELSE v.first END,
    v.last = CASE WHEN v.last IS NULL OR r.at > v.last THEN r.at ELSE v.last END,
    v.lastEventIds = (coalesce(v.lastEventIds, []) + r.eventId)[-$keep..]
