// One page of the offline job's streaming read: users in [$from, $to] with
// id > $after, $users at a time in id order, each with every product in the
// range they liked, bought, carted, viewed or hid ([id, type, time])
// and the users in the range they follow.
// $from, $to, $after, $users
MATCH (u:User)
WHERE u.id >= $from AND u.id <= $to AND u.id > $after
WITH u ORDER BY u.id LIMIT $users
RETURN u.id AS user, u.name AS name,
  COLLECT {
    MATCH (u)-[e:LIKED|PURCHASED|CARTED|VIEWED|HID]->(p:Product)
    WHERE p.id >= $from AND p.id <= $to
    RETURN [p.id, type(e), coalesce(e.at, e.last, e.first)]
  } AS engaged,
  COLLECT {
    MATCH (u)-[:FOLLOWS]->(f:User)
    WHERE f.id >= $from AND f.id <= $to
    RETURN f.id
  } AS follows
ORDER BY user
