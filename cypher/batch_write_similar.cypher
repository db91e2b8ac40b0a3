// Replaces the SIMILAR edges of one $source going out of each product with
// its freshly computed neighbours, in one pass per product: an edge to a
// product still among the neighbours gets the new score and stamp in place,
// the others go, and only new neighbours get an edge. Neighbours change
// little from run to run, and rewriting a property costs a fraction of
// deleting and creating the edge. The result is the same however often it
// repeats. $source, $at,
// $rows: [{id, neighbours: [{id, score}], scores: {toString(id): score}}]
UNWIND $rows AS r
MATCH (p:Product {id: r.id})
CALL (p, r) {
  OPTIONAL MATCH (p)-[old:SIMILAR {source: $source}]->(q)
  WITH old, q, r.scores[toString(q.id)] AS score
  FOREACH (_ IN CASE WHEN old IS NOT NULL AND score IS NULL THEN [1] ELSE [] END | DELETE old)
  FOREACH (_ IN CASE WHEN score IS NOT NULL THEN [1] ELSE [] END | SET old.score = score, old.computedAt = $at)
  RETURN collect(CASE WHEN score IS NOT NULL THEN q.id END) AS kept
}
WITH p, r, kept
UNWIND r.neighbours AS n
WITH p, n WHERE NOT n.id IN kept
MATCH (q:Product {id: n.id})
CREATE (p)-[:SIMILAR {source: $source, score: n.score, computedAt: $at}]->(q)
