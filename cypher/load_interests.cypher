// Bulk loader for seeding and evaluation: sets INTERESTED_IN weights.
// $rows: [{user, kind: tag|brand|category, key, weight, at}] where key is a
// tag name, brand id or category path.
UNWIND $rows AS r
MATCH (u:User {id: r.user})
CALL (u, r) {
  WITH * WHERE r.kind = 'tag'
  MERGE (x:Tag {name: r.key})
  MERGE (u)-[i:INTERESTED_IN]->(x) SET i.weight = r.weight, i.updatedAt = r.at
}
CALL (u, r) {
  WITH * WHERE r.kind = 'brand'
  MATCH (x:Brand {id: r.key})
  MERGE (u)-[i:INTERESTED_IN]->(x) SET i.weight = r.weight, i.updatedAt = r.at
}
CALL (u, r) {
  WITH * WHERE r.kind = 'category'
  MATCH (x:Category {path: r.key})
  MERGE (u)-[i:INTERESTED_IN]->(x) SET i.weight = r.weight, i.updatedAt = r.at
}
