// Applies like events to existing products and posts; an UNLIKED tombstone
// newer than the event wins (see activity_follow.cypher).
// $rows: [{eventId, userId, kind: 'product'|'post', id, at}]
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
OPTIONAL MATCH (u)-[t:UNLIKED]->(x)
WITH u, x, r, t
WHERE t IS NULL OR t.at < r.at
CALL (t) {
  WITH t WHERE t IS NOT NULL
  DELETE t
}
MERGE (u)-[l:LIKED]->(x)
ON CREATE SET l.at = r.at
ON MATCH SET l.at = CASE WHEN l.at IS NULL OR r.at > l.at THEN r.at ELSE l.at END
