// Up to $limit users who follow any of the tags, the most recent followers
// first, each once. $tags, $limit
MATCH (u:User)-[f:FOLLOWS]->(t:Tag)
WHERE t.name IN $tags
WITH u, max(f.since) AS since
RETURN u.id AS id
ORDER BY since DESC, id
LIMIT $limit
