// Users whose interest in the tags and brands, decayed to now (half-life
// $halfLife, seconds), sums to at least $min; the $limit strongest.
// $tags, $brands, $halfLife, $min, $limit
CALL () {
  MATCH (t:Tag) WHERE t.name IN $tags
  MATCH (u:User)-[i:INTERESTED_IN]->(t)
  RETURN u, i
  UNION ALL
  MATCH (b:Brand) WHERE b.id IN $brands
  MATCH (u:User)-[i:INTERESTED_IN]->(b)
  RETURN u, i
}
WITH u, sum(coalesce(i.weight, 0.0) * 0.5 ^ (CASE WHEN i.updatedAt IS NULL THEN 0.0
  ELSE duration.inSeconds(i.updatedAt, datetime()).seconds / $halfLife END)) AS score
WHERE score >= $min
RETURN u.id AS id, score
ORDER BY score DESC, id
LIMIT $limit
