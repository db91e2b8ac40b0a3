// A post's feed ID and author. $id
MATCH (a:User)-[:POSTED]->(p:Post {id: $id})
RETURN p.feedId AS feedId, a.id AS authorId
