// Every follower ID of a user, for fan-out, as one list: one record instead
// of one per follower keeps a 100,000-follower read cheap. $id
MATCH (f:User)-[:FOLLOWS]->(:User {id: $id})
RETURN collect(f.id) AS ids
