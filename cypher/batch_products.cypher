// One page of products in [$from, $to] with id > $after, $n at a time in id
// order: the catalogue the offline job ranks, with titles for reasons.
// $from, $to, $after, $n
MATCH (p:Product)
WHERE p.id >= $from AND p.id <= $to AND p.id > $after
RETURN p.id AS id, p.title AS title
ORDER BY id
LIMIT $n
