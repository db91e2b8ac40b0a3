// Applies hide events to existing products. $rows: [{eventId, userId, id, at}]
UNWIND $rows AS r
MERGE (u:User {id: r.userId})
WITH u, r
MATCH (p:Product {id: r.id})
MERGE (u)-[h:HID]->(p)
ON CREATE SET h.at = r.at
ON MATCH SET h.at = CASE WHEN r.at > h.at THEN r.at ELSE h.at END
