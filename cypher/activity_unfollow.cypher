// The one unfollow write, for unfollow events and API unfollows alike:
// removes FOLLOWS unless it is newer than the unfollow, and leaves an
// UNFOLLOWED tombstone so that an older follow delivered late does not bring
// it back. Unknown users are created for the tombstone unless the row says
// existing (an API unfollow writes nothing for an unknown user).
// $rows: [{eventId, userId, kind, id, name, at, existing}]
UNWIND $rows AS r
MERGE (u:User {id: r.userId})
WITH u, r
CALL (r) {
  WITH r WHERE r.kind = 'user' AND NOT coalesce(r.existing, false)
  MERGE (x:User {id: r.id})
  RETURN x
  UNION
  WITH r WHERE r.kind = 'user' AND coalesce(r.existing, false)
  MATCH (x:User {id: r.id})
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
