// Adds engagement to the user's INTERESTED_IN weights: a product's tags,
// brand and leaf category, a post's tags, or a brand or tag directly. The
// stored weight is "as of updatedAt": it is decayed (half-life $halfLife
// seconds) to the event's time before the event's weight is added; an event
// older than updatedAt adds its weight decayed to updatedAt. Redeliveries are
// absorbed by the bounded lastEventIds list.
// $rows: [{eventId, userId, kind: 'product'|'post'|'brand'|'tag', id, name, w, at}]
UNWIND $rows AS r
MERGE (u:User {id: r.userId})
WITH u, r
CALL (r) {
  WITH r WHERE r.kind = 'product'
  MATCH (:Product {id: r.id})-[:TAGGED|MADE_BY|IN_CATEGORY]->(x)
  RETURN x
  UNION
  WITH r WHERE r.kind = 'post'
  MATCH (:Post {id: r.id})-[:TAGGED]->(x:Tag)
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
MERGE (u)-[i:INTERESTED_IN]->(x)
WITH i, r
WHERE NOT r.eventId IN coalesce(i.lastEventIds, [])
// dt is computed inside SET, not in a WITH before it: a WITH is evaluated
// for every row before the SET runs, so several events on one edge in the
// same batch would all see the edge as it was before the batch (no decay
// between them). Inside SET each row sees the rows before it; the weight is
// set before updatedAt, so it reads the previous updatedAt.
SET i.weight = CASE
      WHEN i.weight IS NULL THEN r.w
      WHEN duration.inSeconds(i.updatedAt, r.at).seconds >= 0
        THEN i.weight * 0.5 ^ (duration.inSeconds(i.updatedAt, r.at).seconds / $halfLife) + r.w
      ELSE i.weight + r.w * 0.5 ^ (duration.inSeconds(r.at, i.updatedAt).seconds / $halfLife)
    END,
    i.updatedAt = CASE WHEN i.updatedAt IS NULL OR r.at > i.updatedAt THEN r.at ELSE i.updatedAt END,
    i.lastEventIds = (coalesce(i.lastEventIds, []) + r.eventId)[-$keep..]
