// A small shop for the insights tests; every ID is offset by $base and every
// name carries it, so the test touches nothing else. $base, $now, $old
UNWIND range(1, 6) AS i
CREATE (:User {id: $base + i, name: 'user' + i});
CREATE (:Brand {id: $base + 100, name: 'brandA-' + $base}), (:Brand {id: $base + 101, name: 'brandB-' + $base});
CREATE (top:Category {path: 'Top' + $base, name: 'Top' + $base, level: 1}),
       (shoes:Category {path: 'Top' + $base + ' > Shoes', name: 'Shoes', level: 2})-[:SUBCATEGORY_OF]->(top),
       (tag:Tag {name: 'tag-' + $base});
MATCH (shoes:Category {path: 'Top' + $base + ' > Shoes'}), (tag:Tag {name: 'tag-' + $base}),
      (a:Brand {id: $base + 100}), (b:Brand {id: $base + 101})
UNWIND [[201, a, true], [202, a, true], [203, b, false], [204, b, false]] AS row
CREATE (p:Product {id: $base + row[0], title: 'product' + row[0]})-[:IN_CATEGORY]->(shoes)
WITH p, row[1] AS brand, row[2] AS tagged, tag
CREATE (p)-[:MADE_BY]->(brand)
FOREACH (_ IN CASE WHEN tagged THEN [1] ELSE [] END | CREATE (p)-[:TAGGED]->(tag));
MATCH (u1:User {id: $base + 1}), (u2:User {id: $base + 2}), (u3:User {id: $base + 3}),
      (u4:User {id: $base + 4}), (u5:User {id: $base + 5}),
      (a:Brand {id: $base + 100}), (b:Brand {id: $base + 101}),
      (p1:Product {id: $base + 201}), (p2:Product {id: $base + 202}), (p3:Product {id: $base + 203}),
      (tag:Tag {name: 'tag-' + $base})
CREATE (u2)-[:FOLLOWS {since: $old}]->(u1), (u3)-[:FOLLOWS {since: $old}]->(u1), (u4)-[:FOLLOWS {since: $old}]->(u1),
       (u5)-[:FOLLOWS {since: $old}]->(u2),
       (u1)-[:FOLLOWS {since: $old}]->(a), (u2)-[:FOLLOWS {since: $old}]->(a), (u3)-[:FOLLOWS {since: $old}]->(a), (u4)-[:FOLLOWS {since: $old}]->(a),
       (u3)-[:FOLLOWS {since: $old}]->(b), (u4)-[:FOLLOWS {since: $old}]->(b), (u5)-[:FOLLOWS {since: $old}]->(b),
       (u1)-[:POSTED]->(post:Post {id: $base + 301, createdAt: $now}),
       (u2)-[:LIKED {at: $now}]->(post), (u3)-[:LIKED {at: $now}]->(post),
       (u1)-[:VIEWED {count: 2, first: $now, last: $now}]->(p1),
       (u2)-[:VIEWED {count: 1, first: $now, last: $now}]->(p1),
       (u3)-[:VIEWED {count: 1, first: $now, last: $now}]->(p1),
       (u2)-[:LIKED {at: $now}]->(p1),
       (u3)-[:CARTED {count: 1, quantity: 1, last: $now}]->(p1),
       (u3)-[:PURCHASED {count: 1, quantity: 1, first: $now, last: $now}]->(p1),
       (u2)-[:PURCHASED {count: 1, quantity: 1, first: $now, last: $now}]->(p2),
       (u3)-[:PURCHASED {count: 1, quantity: 1, first: $now, last: $now}]->(p2),
       (u4)-[:LIKED {at: $old}]->(p3),
       (u2)-[:INTERESTED_IN {weight: 3.0, updatedAt: $now}]->(tag),
       (u3)-[:INTERESTED_IN {weight: 2.0, updatedAt: $now}]->(tag);
