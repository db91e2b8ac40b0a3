// Feed IDs of the posts a user liked, most recent first. $userId, $limit
MATCH (:User {id: $userId})-[l:LIKED]->(p:Post)
RETURN p.feedId AS feedId
ORDER BY l.at DESC
LIMIT $limit
