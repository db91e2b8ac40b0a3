// Applies unfollow events: removes FOLLOWS unless it is newer than the event,
// and leaves an UNFOLLOWED tombstone so that an older follow delivered late
// does not bring it back. $rows: [{eventId, userId, kind, id, name, at}]
UNWIND $rows AS r
MERGE (u:User {id: r.userId})
WITH u, r
CALL (r) {
  WITH r WHERE r.kind = 'user'
  MERGE (x:User {id: r.id})
  RETURN x
  UNION
  WITH r WHERE r.kind = 'brand'
  MATCH (x:Brand {id: r.id})
  RETURN x
  UNION
  WITH r WHERE r.kind = 'tag'
  MERGE (x:Tag {name: r.name})
  RETURN x
}
OPTIONAL MATCH (u)-[f:FOLLOWS]->(x)
WITH u, x, r, f
WHERE f IS NULL OR coalesce(f.at, f.since) <= r.at
CALL (f) {
  WITH f WHERE f IS NOT NULL
  DELETE f
}
MERGE (u)-[t:UNFOLLOWED]->(x)
SET t.at = CASE WHEN t.at IS NULL OR r.at > t.at THEN r.at ELSE t.at END
