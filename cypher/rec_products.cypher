// Product cards for recommended $ids with what the online filter needs:
// stock, and whether $userId (may be null) bought or hid each one. The user
// is matched once so the checks expand from both ends (products can have
// thousands of buyers).
// $userId, $ids
OPTIONAL MATCH (u:User {id: $userId})
UNWIND $ids AS id
MATCH (p:Product {id: id})
OPTIONAL MATCH (p)-[:MADE_BY]->(b:Brand)
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
RETURN p, b.id AS brandId, b.name AS brand, c.path AS category,
       coalesce(p.inStock, true) AS inStock,
       u IS NOT NULL AND EXISTS { (u)-[:PURCHASED]->(p) } AS purchased,
       u IS NOT NULL AND EXISTS { (u)-[:HID]->(p) } AS hidden
