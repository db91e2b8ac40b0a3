// Applies unlike events: removes LIKED unless it is newer than the event and
// leaves an UNLIKED tombstone. $rows: [{eventId, userId, kind, id, at}]
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
OPTIONAL MATCH (u)-[l:LIKED]->(x)
WITH u, x, r, l
WHERE l IS NULL OR l.at <= r.at
CALL (l) {
  WITH l WHERE l IS NOT NULL
  DELETE l
}
MERGE (u)-[t:UNLIKED]->(x)
SET t.at = CASE WHEN t.at IS NULL OR r.at > t.at THEN r.at ELSE t.at END
