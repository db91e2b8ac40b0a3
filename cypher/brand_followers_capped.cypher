// Up to $limit followers of one brand, the most recent followers first. $brand, $limit
MATCH (u:User)-[f:FOLLOWS]->(:Brand {id: $brand})
RETURN u.id AS id
ORDER BY f.since DESC, id
LIMIT $limit
