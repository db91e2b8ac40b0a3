// One product with its brand, category path and tags. $id
MATCH (p:Product {id: $id})
OPTIONAL MATCH (p)-[:MADE_BY]->(b:Brand)
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
RETURN p, b.id AS brandId, b.name AS brand, c.path AS category, collect(t.name) AS tags
