// Users in [$from, $to] who liked, bought, carted or viewed something at or
// after $since: the shoppers worth a precomputed list.
// $from, $to, $since
MATCH (u:User)
WHERE u.id >= $from AND u.id <= $to
  AND EXISTS {
    MATCH (u)-[e:LIKED|PURCHASED|CARTED|VIEWED]->(:Product)
    WHERE coalesce(e.at, e.last) >= $since
  }
RETURN u.id AS id
ORDER BY id
