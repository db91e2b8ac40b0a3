// Counts purchases of existing products with quantity and amount spent.
// Redeliveries are absorbed as in activity_view.cypher.
// $rows: [{eventId, userId, id, quantity, amount, at}]
UNWIND $rows AS r
MERGE (u:User {id: r.userId})
WITH u, r
MATCH (p:Product {id: r.id})
MERGE (u)-[b:PURCHASED]->(p)
WITH b, r
WHERE NOT r.eventId IN coalesce(b.lastEventIds, [])
SET b.count = coalesce(b.count, 0) + 1,
    b.quantity = coalesce(b.quantity, 0) + r.quantity,
    b.amount = coalesce(b.amount, 0.0) + r.amount,
    b.first = CASE WHEN b.first IS NULL OR r.at < b.first THEN r.at ELSE b.first END,
    b.last = CASE WHEN b.last IS NULL OR r.at > b.last THEN r.at ELSE b.last END,
    b.lastEventIds = (coalesce(b.lastEventIds, []) + r.eventId)[-$keep..]
