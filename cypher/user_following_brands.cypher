// A page of the brands a user follows by ascending ID after $after. $id, $after, $limit
MATCH (u:User {id: $id})
RETURN COLLECT {
  MATCH (u)-[:FOLLOWS]->(b:Brand) WHERE b.id > $after
  WITH b ORDER BY b.id LIMIT $limit
  RETURN b{.id, .name}
} AS brands
