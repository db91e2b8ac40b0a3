// Bulk loader for seeding and evaluation (not the event path, which counts
// each event once): sets engagement edges to the given state.
// $rows: [{user, product, kind: like|view|cart|purchase, at, count}]
UNWIND $rows AS r
MATCH (u:User {id: r.user}), (p:Product {id: r.product})
CALL (u, p, r) {
  WITH * WHERE r.kind = 'like'
  MERGE (u)-[e:LIKED]->(p) SET e.at = r.at
}
CALL (u, p, r) {
  WITH * WHERE r.kind = 'view'
  MERGE (u)-[e:VIEWED]->(p) ON CREATE SET e.first = r.at SET e.count = r.count, e.last = r.at
}
CALL (u, p, r) {
  WITH * WHERE r.kind = 'cart'
  MERGE (u)-[e:CARTED]->(p) SET e.count = r.count, e.quantity = r.count, e.last = r.at
}
CALL (u, p, r) {
  WITH * WHERE r.kind = 'purchase'
  MERGE (u)-[e:PURCHASED]->(p) ON CREATE SET e.first = r.at SET e.count = r.count, e.quantity = r.count, e.last = r.at
}
