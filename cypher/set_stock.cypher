// Sets whether products are in stock. $rows: [{id, inStock}]
UNWIND $rows AS r
MATCH (p:Product {id: r.id})
SET p.inStock = r.inStock
