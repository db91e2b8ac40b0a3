// A user takes back a like (idempotent). $userId, $postId
MATCH (p:Post {id: $postId})
OPTIONAL MATCH (:User {id: $userId})-[l:LIKED]->(p)
DELETE l
RETURN p.feedId AS feedId
