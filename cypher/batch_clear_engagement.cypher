// Deletes the engagement, interest and hide edges of users in [$from, $to],
// 10,000 at a time (evaluation replays one split after another).
// $from, $to
MATCH (u:User)-[e:LIKED|VIEWED|CARTED|PURCHASED|INTERESTED_IN|HID]->()
WHERE u.id >= $from AND u.id <= $to
WITH e LIMIT 10000
DELETE e
RETURN count(*) AS n
