// Who wrote a comment on a post. $id, $postId
MATCH (u:User)-[:WROTE]->(:Comment {id: $id})-[:ON]->(:Post {id: $postId})
RETURN u.id AS authorId
