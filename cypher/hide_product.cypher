// Hides a product from a shopper's recommendations (idempotent; keeps the
// first time). Returns nothing when the product does not exist.
// $userId, $productId, $at
MATCH (p:Product {id: $productId})
MERGE (u:User {id: $userId})
MERGE (u)-[h:HID]->(p)
ON CREATE SET h.at = $at
RETURN p.id AS id
