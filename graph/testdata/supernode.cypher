// A graph with super-nodes, for the recommendation budget test. All IDs are
// $base-relative. Shopper $base+1 liked product $base+500001, which 20,000
// other shoppers liked too (each of them liked two more products); the
// shopper follows 5,000 shoppers (each liked three products an hour ago) and
// a brand of 2,000 new products, and is interested in a tag on 2,000 products.
UNWIND range(0, 2199) AS i
CREATE (:Product {id: $base + 500001 + i, title: 'product ' + toString(i), price: 10.0, createdAt: $now - duration('PT1H')});
CREATE (:User {id: $base + 1, name: 'shopper'});
UNWIND range(2, 25001) AS i
CREATE (:User {id: $base + i, name: 'user ' + toString(i)});
MATCH (p:Product {id: $base + 500001})
UNWIND range(2, 20001) AS i
MATCH (u:User {id: $base + i})
CREATE (u)-[:LIKED {at: $now - duration('P2D')}]->(p);
UNWIND range(2, 20001) AS i
MATCH (u:User {id: $base + i}), (a:Product {id: $base + 500002 + i % 100}), (b:Product {id: $base + 500102 + i % 97})
CREATE (u)-[:LIKED {at: $now - duration('P2D')}]->(a), (u)-[:LIKED {at: $now - duration('P3D')}]->(b);
MATCH (me:User {id: $base + 1}), (p:Product {id: $base + 500001})
CREATE (me)-[:LIKED {at: $now - duration('PT1H')}]->(p);
MATCH (me:User {id: $base + 1})
UNWIND range(20002, 25001) AS i
MATCH (f:User {id: $base + i})
CREATE (me)-[:FOLLOWS {at: $now}]->(f);
UNWIND range(20002, 25001) AS i
MATCH (f:User {id: $base + i})
UNWIND range(0, 2) AS k
MATCH (p:Product {id: $base + 500202 + (i * 3 + k) % 1000})
CREATE (f)-[:LIKED {at: $now - duration('PT1H')}]->(p);
MATCH (p:Product {id: $base + 500001})
UNWIND range(1, 100) AS k
MATCH (q:Product {id: $base + 500001 + k})
CREATE (p)-[:SIMILAR {source: 'co-engagement', score: 1.0 / k, computedAt: $now}]->(q);
CREATE (t:Tag {name: 'super-' + toString($base)})
WITH t
MATCH (p:Product) WHERE p.id > $base + 500200 AND p.id <= $base + 502200
CREATE (p)-[:TAGGED]->(t);
CREATE (b:Brand {id: $base + 7, name: 'super-' + toString($base)})
WITH b
MATCH (p:Product) WHERE p.id > $base + 500200 AND p.id <= $base + 502200
CREATE (p)-[:MADE_BY]->(b);
MATCH (me:User {id: $base + 1}), (t:Tag {name: 'super-' + toString($base)}), (b:Brand {id: $base + 7})
CREATE (me)-[:INTERESTED_IN {weight: 10.0, updatedAt: $now}]->(t),
       (me)-[:INTERESTED_IN {weight: 5.0, updatedAt: $now}]->(b),
       (me)-[:FOLLOWS {at: $now}]->(b);
