// Every follower ID of a user, for fan-out. $id
MATCH (f:User)-[:FOLLOWS]->(:User {id: $id})
RETURN f.id AS id
