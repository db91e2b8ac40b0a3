// A user's public profile with follow and post counts, and how the viewer
// relates to them. $id, $viewerId
MATCH (u:User {id: $id})
RETURN u.name AS name, u.imageURL AS imageURL, u.home AS home,
       COUNT { (:User)-[:FOLLOWS]->(u) } AS followers,
       COUNT { (u)-[:FOLLOWS]->(:User) } AS followingUsers,
       COUNT { (u)-[:FOLLOWS]->(:Brand) } AS followingBrands,
       COUNT { (u)-[:POSTED]->(:Post) } AS posts,
       EXISTS { (:User {id: $viewerId})-[:FOLLOWS]->(u) } AS followedByMe,
       EXISTS { (u)-[:FOLLOWS]->(:User {id: $viewerId}) } AS followsMe
