// One read for search personalisation: the brands and tags a shopper engages
// with (their own likes, purchases, carts and views, weighted by $weights like
// interest updates; decayed INTERESTED_IN weights; followed brands and tags) and the
// products liked by people they follow. $userId, $halfLife (seconds),
// $maxLiked.
MATCH (u:User {id: $userId})
CALL (u) {
  OPTIONAL MATCH (u)-[r:LIKED|PURCHASED|CARTED|VIEWED]->(p:Product)
  WITH p, CASE type(r) WHEN 'PURCHASED' THEN $weights.purchase WHEN 'CARTED' THEN $weights.cart WHEN 'LIKED' THEN $weights.like ELSE $weights.view END AS w
  WHERE p IS NOT NULL
  OPTIONAL MATCH (p)-[:MADE_BY]->(b:Brand)
  OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
  WITH collect(CASE WHEN b IS NULL THEN null ELSE {name: b.name, w: w} END) AS bs,
       collect(CASE WHEN t IS NULL THEN null ELSE {name: t.name, w: w} END) AS ts
  RETURN bs AS engagedBrands, ts AS engagedTags
}
CALL (u) {
  OPTIONAL MATCH (u)-[i:INTERESTED_IN]->(x)
  WHERE x:Brand OR x:Tag
  WITH x, i.weight * 0.5 ^ (duration.inSeconds(coalesce(i.updatedAt, datetime()), datetime()).seconds / $halfLife) AS w
  WHERE x IS NOT NULL
  RETURN collect(CASE WHEN x:Brand THEN {name: x.name, w: w} END) AS interestBrands,
         collect(CASE WHEN x:Tag THEN {name: x.name, w: w} END) AS interestTags
}
CALL (u) {
  OPTIONAL MATCH (u)-[:FOLLOWS]->(x)
  WHERE x:Brand OR x:Tag
  RETURN collect(CASE WHEN x:Brand THEN x.name END) AS followedBrands,
         collect(CASE WHEN x:Tag THEN x.name END) AS followedTags
}
CALL (u) {
  OPTIONAL MATCH (u)-[:FOLLOWS]->(f:User)-[:LIKED]->(p:Product)
  WHERE NOT (u)-[:LIKED]->(p) AND NOT (u)-[:HID]->(p)
  WITH p, count(DISTINCT f) AS likers
  WHERE p IS NOT NULL
  ORDER BY likers DESC, p.id
  LIMIT $maxLiked
  RETURN collect({id: p.id, n: likers}) AS liked
}
RETURN engagedBrands, engagedTags, interestBrands, interestTags, followedBrands, followedTags, liked
