// Creates or updates user profiles. $rows: [{id, name, imageURL, home}]
UNWIND $rows AS r
MERGE (u:User {id: r.id})
SET u.name = r.name, u.imageURL = r.imageURL, u.home = r.home
