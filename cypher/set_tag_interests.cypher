// Sets users' interest weights on tags directly (seeding and tests; live
// weights come from the graph writer). $rows: [{user, tag, weight, at}]
UNWIND $rows AS r
MATCH (u:User {id: r.user})
MERGE (t:Tag {name: r.tag})
MERGE (u)-[i:INTERESTED_IN]->(t)
SET i.weight = r.weight, i.updatedAt = r.at
