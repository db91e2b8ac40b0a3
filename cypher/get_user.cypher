// One user's profile. $id
MATCH (u:User {id: $id})
RETURN u.name AS name, u.imageURL AS imageURL, u.home AS home
