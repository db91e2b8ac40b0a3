// Interest: products matching the $topInterests strongest INTERESTED_IN
// weights of $userId (tags, brands, categories with their subcategories),
// each weight decayed from updatedAt to $now with half-life $halfLifeDays.
// A product scores the sum of the interests it matches, times log(2 +
// engagement) so that within an interest the well-liked come first. Products
// the shopper already liked or bought are left out.
// $userId, $now, $halfLifeDays, $topInterests, $limit
MATCH (me:User {id: $userId})-[i:INTERESTED_IN]->(x)
WITH me, x, i.weight * 0.5 ^ (CASE WHEN i.updatedAt > $now THEN 0.0 ELSE duration.inSeconds(i.updatedAt, $now).seconds / 86400.0 / $halfLifeDays END) AS w
ORDER BY w DESC
LIMIT $topInterests
CALL (x) {
  MATCH (x:Tag)<-[:TAGGED]-(p:Product) RETURN p
  UNION
  MATCH (x:Brand)<-[:MADE_BY]-(p:Product) RETURN p
  UNION
  MATCH (x:Category)<-[:SUBCATEGORY_OF*0..3]-(:Category)<-[:IN_CATEGORY]-(p:Product) RETURN p
}
WITH me, p, x, w
WHERE NOT EXISTS { (me)-[:LIKED|PURCHASED]->(p) }
ORDER BY w DESC
WITH p, sum(w) AS interest, collect({kind: toLower(labels(x)[0]), name: coalesce(x.name, x.path)})[..3] AS matched
WITH p, interest, matched, COUNT { (p)<-[:LIKED|PURCHASED]-() } AS pop
RETURN p.id AS id, interest * log(2 + pop) AS score, matched
ORDER BY score DESC, id
LIMIT $limit
