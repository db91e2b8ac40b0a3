// Whether the category $path exists, and its precomputed top products (see
// refresh_top_products.cypher), best first.
// $path
OPTIONAL MATCH (c:Category {path: $path})
RETURN c IS NOT NULL AS found, coalesce(c.top, []) AS top, coalesce(c.topScores, []) AS scores
