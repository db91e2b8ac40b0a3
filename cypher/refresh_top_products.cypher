// Keeps, on every Tag, Brand and Category (or only those named in $tags,
// $brands, $categories when $all is false), the $n most engaged in-stock
// products as `top` (IDs, best first) and `topScores` (log(2 + likes,
// purchases and carts)), stamped `topAt`. A category's list covers its
// subcategories. The interest recommender reads these lists instead of
// expanding a broad tag's thousands of products per request. Engagement is
// counted from the degree store, so no edge is read.
// $all, $tags, $brands, $categories, $n, $now
CALL () {
  MATCH (x:Tag) WHERE $all OR x.name IN $tags RETURN x
  UNION
  MATCH (x:Brand) WHERE $all OR x.id IN $brands RETURN x
  UNION
  MATCH (x:Category) WHERE $all OR x.path IN $categories RETURN x
}
CALL (x) {
  CALL (x) {
    MATCH (x:Tag)<-[:TAGGED]-(p:Product) RETURN p
    UNION
    MATCH (x:Brand)<-[:MADE_BY]-(p:Product) RETURN p
    UNION
    MATCH (x:Category)<-[:SUBCATEGORY_OF*0..3]-(:Category)<-[:IN_CATEGORY]-(p:Product) RETURN p
  }
  WITH p WHERE coalesce(p.inStock, true)
  WITH p, COUNT { (p)<-[:LIKED|PURCHASED|CARTED]-() } AS pop
  ORDER BY pop DESC, p.id
  LIMIT $n
  RETURN collect(p.id) AS top, collect(log(2 + pop)) AS scores
}
SET x.top = top, x.topScores = scores, x.topAt = $now
RETURN count(x) AS n
