// A page of the users a user follows by ascending ID after $after. $id, $after, $limit
MATCH (u:User {id: $id})
RETURN COLLECT {
  MATCH (u)-[:FOLLOWS]->(f:User) WHERE f.id > $after
  WITH f ORDER BY f.id LIMIT $limit
  RETURN f{.id, .name, .imageURL, .home}
} AS users
