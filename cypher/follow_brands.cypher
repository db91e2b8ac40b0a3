// Adds user -> brand follow edges. $rows: [{from, to, at}]
UNWIND $rows AS r
MATCH (a:User {id: r.from}), (b:Brand {id: r.to})
MERGE (a)-[f:FOLLOWS]->(b)
ON CREATE SET f.since = r.at
