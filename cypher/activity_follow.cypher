// The one follow write, for follow events and API follows alike. Follows and
// unfollows of one pair resolve by time, whatever order they arrive in: an
// UNFOLLOWED tombstone newer than the follow wins, an older one goes.
// Followed tags are created if missing, brands must exist; followed users are
// created if missing unless the row says existing (an API follow of an
// unknown user writes nothing). Returns the targets found.
// $rows: [{eventId, userId, kind: 'user'|'brand'|'tag', id, name, at, existing}]
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
CALL (u, x, r) {
  OPTIONAL MATCH (u)-[t:UNFOLLOWED]->(x)
  WITH u, x, r, t
  WHERE t IS NULL OR t.at < r.at
  CALL (t) {
    WITH t WHERE t IS NOT NULL
    DELETE t
  }
  MERGE (u)-[f:FOLLOWS]->(x)
  ON CREATE SET f.since = r.at, f.at = r.at
  ON MATCH SET f.at = CASE WHEN coalesce(f.at, f.since) IS NULL OR r.at > coalesce(f.at, f.since) THEN r.at ELSE f.at END
}
RETURN count(x) AS found
