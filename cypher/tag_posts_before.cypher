// One page of the posts tagged with a tag (a hashtag in their text or a tag
// sent with them), newest first below feed ID $before. $name, $before, $limit
MATCH (:Tag {name: $name})<-[:TAGGED]-(p:Post)
WHERE p.feedId < $before
RETURN p.feedId AS feedId
ORDER BY p.feedId DESC
LIMIT $limit
