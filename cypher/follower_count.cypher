// How many users follow a user. $id
MATCH (u:User {id: $id})
RETURN COUNT { (:User)-[:FOLLOWS]->(u) } AS n
