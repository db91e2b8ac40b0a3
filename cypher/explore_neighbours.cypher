// The graph explorer's step: one node ($kind 'product' | 'brand' | 'user' by
// $id, 'tag' | 'category' by $key) and, for each relationship type in $types,
// up to $limit of its neighbours, strongest links first (count or score).
// Tombstones and interest edges are not in $types' vocabulary (the caller
// picks from a fixed list).
CALL () {
  MATCH (n:Product {id: $id}) WHERE $kind = 'product' RETURN n
  UNION
  MATCH (n:Brand {id: $id}) WHERE $kind = 'brand' RETURN n
  UNION
  MATCH (n:User {id: $id}) WHERE $kind = 'user' RETURN n
  UNION
  MATCH (n:Post {id: $id}) WHERE $kind = 'post' RETURN n
  UNION
  MATCH (n:Tag {name: $key}) WHERE $kind = 'tag' RETURN n
  UNION
  MATCH (n:Category {path: $key}) WHERE $kind = 'category' RETURN n
}
WITH n LIMIT 1
CALL (n) {
  UNWIND $types AS t
  CALL (n, t) {
    MATCH (n)-[r]-(m)
    WHERE type(r) = t AND (m:Product OR m:Brand OR m:User OR m:Post OR m:Tag OR m:Category)
    WITH r, m, toFloat(coalesce(r.score, r.count, r.quantity, 1)) AS weight
    ORDER BY weight DESC, coalesce(m.id, 0)
    LIMIT $limit
    RETURN r, m, weight
  }
  RETURN collect({
    type: type(r), outgoing: startNode(r) = n, weight: weight,
    kind: CASE WHEN m:Product THEN 'product' WHEN m:Brand THEN 'brand' WHEN m:User THEN 'user'
               WHEN m:Post THEN 'post' WHEN m:Tag THEN 'tag' ELSE 'category' END,
    id: m.id, key: coalesce(m.path, m.name),
    name: coalesce(m.title, m.name, m.path, toString(m.id))
  }) AS links
}
RETURN coalesce(n.title, n.name, n.path, toString(n.id)) AS name, links
