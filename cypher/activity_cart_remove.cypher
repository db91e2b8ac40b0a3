// Applies remove_from_cart events: lowers the quantity in the cart, never
// below zero. $rows: [{eventId, userId, id, quantity, at}]
UNWIND $rows AS r
MATCH (:User {id: r.userId})-[c:CARTED]->(:Product {id: r.id})
WITH c, r
WHERE NOT r.eventId IN coalesce(c.lastEventIds, [])
SET c.quantity = CASE WHEN coalesce(c.quantity, 0) > r.quantity THEN c.quantity - r.quantity ELSE 0 END,
    c.last = CASE WHEN c.last IS NULL OR r.at > c.last THEN r.at ELSE c.last END,
    c.lastEventIds = (coalesce(c.lastEventIds, []) + r.eventId)[-$keep..]
