// Product cards for recommended $ids with what the online filter needs:
// stock, and whether $userId (may be null) bought or hid each one.
// $userId, $ids
UNWIND $ids AS id
MATCH (p:Product {id: id})
OPTIONAL MATCH (p)-[:MADE_BY]->(b:Brand)
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
RETURN p, b.id AS brandId, b.name AS brand, c.path AS category,
       coalesce(p.inStock, true) AS inStock,
       EXISTS { MATCH (:User {id: $userId})-[:PURCHASED]->(p) } AS purchased,
       EXISTS { MATCH (:User {id: $userId})-[:HID]->(p) } AS hidden
