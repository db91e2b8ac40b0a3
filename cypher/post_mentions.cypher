// The users a post mentions. $id
MATCH (:Post {id: $id})-[:MENTIONS]->(m:User)
RETURN m.id AS id ORDER BY id
