// One page of the tags a user follows in name order after $after. $userId,
// $after, $limit
MATCH (:User {id: $userId})-[:FOLLOWS]->(t:Tag)
WHERE t.name > $after
RETURN t.name AS name
ORDER BY name
LIMIT $limit
