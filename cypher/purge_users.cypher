// Deletes the users with IDs in [$lo, $hi) with their posts and comments
// (tests and benchmarks clean up their own data with it). $lo, $hi
MATCH (u:User) WHERE u.id >= $lo AND u.id < $hi
CALL (u) {
  OPTIONAL MATCH (u)-[:POSTED]->(p:Post)
  OPTIONAL MATCH (c:Comment)-[:ON]->(p)
  DETACH DELETE c, p
}
CALL (u) {
  OPTIONAL MATCH (u)-[:WROTE]->(c:Comment)
  DETACH DELETE c
}
DETACH DELETE u
