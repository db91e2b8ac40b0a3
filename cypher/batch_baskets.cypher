// One page of engagement baskets for the similarity job: the products each
// user in [$from, $to] with id > $after liked, bought or carted, $users
// users at a time in id order.
// $from, $to, $after, $users
MATCH (u:User)
WHERE u.id >= $from AND u.id <= $to AND u.id > $after
WITH u ORDER BY u.id LIMIT $users
OPTIONAL MATCH (u)-[:LIKED|PURCHASED|CARTED]->(p:Product)
RETURN u.id AS user, collect(DISTINCT p.id) AS products
ORDER BY user
