// Counts add_to_cart events on existing products; quantity is what is in the
// cart now. Redeliveries are absorbed as in activity_view.cypher.
// $rows: [{eventId, userId, id, quantity, at}]
UNWIND $rows AS r
MERGE (u:User {id: r.userId})
WITH u, r
MATCH (p:Product {id: r.id})
MERGE (u)-[c:CARTED]->(p)
WITH c, r
WHERE NOT r.eventId IN coalesce(c.lastEventIds, [])
SET c.count = coalesce(c.count, 0) + 1,
    c.quantity = coalesce(c.quantity, 0) + r.quantity,
    c.last = CASE WHEN c.last IS NULL OR r.at > c.last THEN r.at ELSE c.last END,
    c.lastEventIds = (coalesce(c.lastEventIds, []) + r.eventId)[-$keep..]
