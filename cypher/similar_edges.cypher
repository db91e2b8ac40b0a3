// The SIMILAR edges of $source going out of product $id, best first.
MATCH (:Product {id: $id})-[s:SIMILAR {source: $source}]->(q:Product)
RETURN q.id AS id, s.score AS score
ORDER BY score DESC, id
