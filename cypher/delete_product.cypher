// Deletes a product and its relationships; brands, categories and tags stay.
// Returns whether it existed. $id
OPTIONAL MATCH (p:Product {id: $id})
WITH p, p IS NOT NULL AS existed
DETACH DELETE p
RETURN existed
