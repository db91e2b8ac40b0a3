// How many users are in [$from, $to]: the offline job's progress total.
// $from, $to
MATCH (u:User)
WHERE u.id >= $from AND u.id <= $to
RETURN count(u) AS n
