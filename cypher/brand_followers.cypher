// Followers of any of the brands, each with one brand they follow. $ids
MATCH (f:User)-[:FOLLOWS]->(b:Brand)
WHERE b.id IN $ids
RETURN f.id AS id, min(b.id) AS brand
