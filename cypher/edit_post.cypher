// Replaces a post's title, text and tags and returns its feed ID. $id,
// $title, $text, $tags
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
RETURN p.feedId AS feedId
