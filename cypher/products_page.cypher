// One page of products with IDs in [$from, $to] after $after, $n at a time in
// ID order, each as get_product.cypher returns it: the reconciler compares
// them with the search index. $from, $to, $after, $n
MATCH (p:Product)
WHERE p.id >= $from AND p.id <= $to AND p.id > $after
WITH p ORDER BY p.id LIMIT $n
OPTIONAL MATCH (p)-[:MADE_BY]->(b:Brand)
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
WITH p, b, c, collect(t.name) AS tags
RETURN p, b.id AS brandId, b.name AS brand, c.path AS category, tags
ORDER BY p.id
