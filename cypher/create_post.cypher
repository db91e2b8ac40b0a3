// Creates a post with its tags and featured products; the author's node is
// created when the shopper has none yet. A retried request (same
// Idempotency-Key, so the same IDs) finds the post its first attempt wrote.
// $id, $feedId, $authorId, $title, $text, $images (JSON list of
// {imageURL, caption}), $createdAt, $tags, $productIds, $mentions (user IDs;
// unknown users are skipped)
MERGE (u:User {id: $authorId})
MERGE (p:Post {id: $id})
ON CREATE SET p.feedId = $feedId, p.title = $title, p.text = $text, p.images = $images, p.createdAt = $createdAt
MERGE (u)-[:POSTED]->(p)
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
