// Posts since $since ranked by likes and comments. $since, $limit
MATCH (p:Post) WHERE p.createdAt >= $since
WITH p, COUNT { (:User)-[:LIKED]->(p) } + COUNT { (:Comment)-[:ON]->(p) } AS score
RETURN p.feedId AS feedId
ORDER BY score DESC, feedId DESC
LIMIT $limit
