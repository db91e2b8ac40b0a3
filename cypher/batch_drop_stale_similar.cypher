// Deletes SIMILAR edges of $source from products in [$from, $to] that the
// run at $before did not write (their product lost all co-engagement).
// $source, $from, $to, $before
MATCH (p:Product)-[s:SIMILAR {source: $source}]->()
WHERE p.id >= $from AND p.id <= $to AND s.computedAt < $before
WITH s LIMIT 10000
DELETE s
RETURN count(*) AS n
