// Moves an anonymous session's activity onto the account that signed in:
// views, likes, carts, purchases, hides and interests. Where the account
// already has the relationship, counts and weights add up and the newest
// time wins; the guest's node goes. $guestId, $userId
MATCH (g:User {id: $guestId})
MERGE (u:User {id: $userId})
WITH g, u
CALL (g, u) {
  MATCH (g)-[r:VIEWED]->(x)
  MERGE (u)-[n:VIEWED]->(x)
  ON CREATE SET n += properties(r)
  ON MATCH SET n.count = coalesce(n.count, 0) + coalesce(r.count, 0),
    n.last = CASE WHEN r.last > n.last THEN r.last ELSE n.last END
  RETURN count(r) AS views
}
CALL (g, u) {
  MATCH (g)-[r:LIKED]->(x)
  MERGE (u)-[n:LIKED]->(x)
  ON CREATE SET n += properties(r)
  RETURN count(r) AS likes
}
CALL (g, u) {
  MATCH (g)-[r:CARTED]->(x)
  MERGE (u)-[n:CARTED]->(x)
  ON CREATE SET n += properties(r)
  RETURN count(r) AS carts
}
CALL (g, u) {
  MATCH (g)-[r:PURCHASED]->(x)
  MERGE (u)-[n:PURCHASED]->(x)
  ON CREATE SET n += properties(r)
  RETURN count(r) AS purchases
}
CALL (g, u) {
  MATCH (g)-[r:HID]->(x)
  MERGE (u)-[n:HID]->(x)
  ON CREATE SET n += properties(r)
  RETURN count(r) AS hides
}
CALL (g, u) {
  MATCH (g)-[r:INTERESTED_IN]->(x)
  MERGE (u)-[n:INTERESTED_IN]->(x)
  ON CREATE SET n += properties(r)
  ON MATCH SET n.weight = coalesce(n.weight, 0) + coalesce(r.weight, 0)
  RETURN count(r) AS interests
}
WITH g, views + likes + carts + purchases + hides + interests AS moved
DETACH DELETE g
RETURN moved
