// Which of the product IDs the graph does not hold yet. $ids
UNWIND $ids AS id
WITH id WHERE NOT EXISTS { MATCH (:Product {id: id}) }
RETURN id
