// Deletes one comment on a post and returns the post's feed ID. $id, $postId
MATCH (c:Comment {id: $id})-[:ON]->(p:Post {id: $postId})
WITH c, p.feedId AS feedId
DETACH DELETE c
RETURN feedId
