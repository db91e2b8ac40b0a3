// Adds follow edges between existing users. $rows: [{from, to, at}]
UNWIND $rows AS r
MATCH (a:User {id: r.from}), (b:User {id: r.to})
WHERE a <> b
MERGE (a)-[f:FOLLOWS]->(b)
ON CREATE SET f.since = r.at
