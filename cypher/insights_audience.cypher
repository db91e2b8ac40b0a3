// Who engages with a product or a brand ($kind 'product' | 'brand', $id) in
// the window: how many, their strongest interest segments and the other
// brands they follow. $since, $limit
CALL () {
  MATCH (p:Product {id: $id})<-[e:LIKED|CARTED|PURCHASED|VIEWED]-(u:User)
  WHERE $kind = 'product' AND coalesce(e.last, e.at) >= $since
  RETURN DISTINCT u
  UNION
  MATCH (b:Brand {id: $id})<-[:MADE_BY]-(:Product)<-[e:LIKED|CARTED|PURCHASED|VIEWED]-(u:User)
  WHERE $kind = 'brand' AND coalesce(e.last, e.at) >= $since
  RETURN DISTINCT u
  UNION
  MATCH (b:Brand {id: $id})<-[:FOLLOWS]-(u:User)
  WHERE $kind = 'brand'
  RETURN DISTINCT u
}
WITH collect(u) AS audience
CALL (audience) {
  UNWIND audience AS u
  MATCH (u)-[i:INTERESTED_IN]->(x)
  WITH CASE WHEN x:Tag THEN 'tag' WHEN x:Brand THEN 'brand' ELSE 'category' END AS segmentKind,
       coalesce(x.name, x.path) AS segment, count(DISTINCT u) AS users, sum(i.weight) AS weight
  ORDER BY users DESC, weight DESC, segment LIMIT $limit
  RETURN collect({kind: segmentKind, name: segment, users: users}) AS segments
}
CALL (audience) {
  UNWIND audience AS u
  MATCH (u)-[:FOLLOWS]->(other:Brand)
  WHERE NOT ($kind = 'brand' AND other.id = $id)
  WITH other, count(DISTINCT u) AS users
  ORDER BY users DESC, other.name LIMIT $limit
  RETURN collect({id: other.id, name: other.name, users: users}) AS brands
}
RETURN size(audience) AS size, segments, brands
