// Social: what the people $userId follows liked, bought or featured in a post
// since $since, and new products of the brands they follow. Each action is
// weighted (bought 2, posted 1.5, liked 1, new from a brand 0.5) and decays
// with half-life $halfLifeDays before $now. Up to three followed users per
// action come back for the reason. Products the shopper already liked or
// bought are left out.
// $userId, $since, $now, $halfLifeDays, $limit
MATCH (me:User {id: $userId})
CALL (me) {
  MATCH (me)-[:FOLLOWS]->(f:User)-[e:LIKED]->(p:Product) WHERE e.at >= $since AND e.at <= $now
  RETURN p, 'liked' AS action, 1.0 AS weight, f AS who, null AS brand, e.at AS at
  UNION ALL
  MATCH (me)-[:FOLLOWS]->(f:User)-[e:PURCHASED]->(p:Product) WHERE e.last >= $since AND e.last <= $now
  RETURN p, 'bought' AS action, 2.0 AS weight, f AS who, null AS brand, e.last AS at
  UNION ALL
  MATCH (me)-[:FOLLOWS]->(f:User)-[:POSTED]->(post:Post)-[:FEATURES]->(p:Product) WHERE post.createdAt >= $since AND post.createdAt <= $now
  RETURN p, 'posted' AS action, 1.5 AS weight, f AS who, null AS brand, post.createdAt AS at
  UNION ALL
  MATCH (me)-[:FOLLOWS]->(b:Brand)<-[:MADE_BY]-(p:Product) WHERE p.createdAt >= $since AND p.createdAt <= $now
  RETURN p, 'new' AS action, 0.5 AS weight, null AS who, b AS brand, p.createdAt AS at
}
WITH me, p, action, weight, who, brand, max(at) AS at
WHERE NOT EXISTS { (me)-[:LIKED|PURCHASED]->(p) }
WITH p, action, brand, weight * 0.5 ^ (CASE WHEN at > $now THEN 0.0 ELSE duration.inSeconds(at, $now).seconds / 86400.0 / $halfLifeDays END) AS w, who
ORDER BY w DESC
WITH p, action, brand, sum(w) AS score, count(who) AS n,
     collect(who {.id, .name, .imageURL, .home})[..3] AS via
WITH p, sum(score) AS score,
     collect({action: action, n: n, via: via, brand: brand.name}) AS actions
RETURN p.id AS id, score, actions
ORDER BY score DESC, id
LIMIT $limit
