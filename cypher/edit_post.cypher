// Replaces a post's title, text, tags and mentions and returns its feed ID.
// $id, $title, $text, $tags, $mentions
MATCH (p:Post {id: $id})
SET p.title = $title, p.text = $text
WITH p
CALL (p) {
  MATCH (p)-[r:TAGGED]->(t:Tag)
  WHERE NOT t.name IN $tags
  DELETE r
}
CALL (p) {
  UNWIND $tags AS name
  MERGE (t:Tag {name: name})
  MERGE (p)-[:TAGGED]->(t)
}
CALL (p) {
  MATCH (p)-[r:MENTIONS]->(m:User)
  WHERE NOT m.id IN $mentions
  DELETE r
}
CALL (p) {
  UNWIND $mentions AS uid
  MATCH (m:User {id: uid})
  MERGE (p)-[:MENTIONS]->(m)
}
RETURN p.feedId AS feedId
