// Replaces the SIMILAR edges of one $source going out of each product with
// its freshly computed neighbours, so a run writes the same edges however
// often it repeats. $source, $at, $rows: [{id, neighbours: [{id, score}]}]
UNWIND $rows AS r
MATCH (p:Product {id: r.id})
CALL (p) {
  MATCH (p)-[old:SIMILAR {source: $source}]->()
  DELETE old
}
WITH p, r
UNWIND r.neighbours AS n
MATCH (q:Product {id: n.id})
CREATE (p)-[s:SIMILAR {source: $source}]->(q)
SET s.score = n.score, s.computedAt = $at
