// Distinct shoppers at each step (view, like, cart, purchase) for one product
// ($productId) or every product under a category path ($category), in the
// window starting at $since.
MATCH (p:Product)
WHERE ($productId IS NOT NULL AND p.id = $productId)
   OR ($category IS NOT NULL AND EXISTS {
        MATCH (p)-[:IN_CATEGORY]->(:Category)-[:SUBCATEGORY_OF*0..]->(:Category {path: $category})
      })
OPTIONAL MATCH (p)<-[e:VIEWED|LIKED|CARTED|PURCHASED]-(u:User)
WHERE coalesce(e.last, e.at) >= $since
WITH type(e) AS step, count(DISTINCT u) AS users, count(DISTINCT p) AS products
RETURN step, users
