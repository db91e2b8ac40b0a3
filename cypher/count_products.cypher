// Which of the product IDs exist. $ids
UNWIND $ids AS id
MATCH (p:Product {id: id})
RETURN collect(p.id) AS found
