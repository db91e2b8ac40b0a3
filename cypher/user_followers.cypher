// A page of a user's followers by ascending ID after $after. $id, $after, $limit
MATCH (u:User {id: $id})
RETURN COLLECT {
  MATCH (f:User)-[:FOLLOWS]->(u) WHERE f.id > $after
  WITH f ORDER BY f.id LIMIT $limit
  RETURN f{.id, .name, .imageURL, .home}
} AS users
