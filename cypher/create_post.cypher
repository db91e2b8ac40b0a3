// Creates a post with its tags and featured products; the author's node is
// created when the shopper has none yet. $id, $feedId, $authorId, $title,
// $text, $images (JSON list of {imageURL, caption}), $createdAt, $tags,
// $productIds, $mentions (user IDs; unknown users are skipped)
MERGE (u:User {id: $authorId})
CREATE (p:Post {id: $id, feedId: $feedId, title: $title, text: $text, images: $images, createdAt: $createdAt})
CREATE (u)-[:POSTED]->(p)
WITH p
CALL (p) {
  UNWIND $tags AS name
  MERGE (t:Tag {name: name})
  MERGE (p)-[:TAGGED]->(t)
}
CALL (p) {
  UNWIND $mentions AS uid
  MATCH (m:User {id: uid})
  MERGE (p)-[:MENTIONS]->(m)
}
CALL (p) {
  UNWIND $productIds AS pid
  MATCH (pr:Product {id: pid})
  MERGE (p)-[:FEATURES]->(pr)
}
RETURN p.id AS id
