// Creates or updates products with their brand, category chain and tags,
// replacing links that changed. $rows: [{id, props, brandId, brand,
// categories: [{path, name, level, parent}], leaf, tags}]
UNWIND $rows AS r
MERGE (p:Product {id: r.id})
SET p += r.props
WITH p, r
CALL (p, r) {
  OPTIONAL MATCH (p)-[old:MADE_BY]->(b:Brand) WHERE r.brandId IS NULL OR b.id <> r.brandId
  DELETE old
}
CALL (p, r) {
  WITH p, r WHERE r.brandId IS NOT NULL
  MERGE (b:Brand {id: r.brandId}) ON CREATE SET b.name = r.brand
  MERGE (p)-[:MADE_BY]->(b)
}
CALL (p, r) {
  UNWIND r.categories AS c
  MERGE (cat:Category {path: c.path}) ON CREATE SET cat.name = c.name, cat.level = c.level
  WITH cat, c WHERE c.parent IS NOT NULL
  MATCH (parent:Category {path: c.parent})
  MERGE (cat)-[:SUBCATEGORY_OF]->(parent)
}
CALL (p, r) {
  OPTIONAL MATCH (p)-[old:IN_CATEGORY]->(c:Category) WHERE c.path <> r.leaf OR r.leaf IS NULL
  DELETE old
}
CALL (p, r) {
  WITH p, r WHERE r.leaf IS NOT NULL
  MATCH (leaf:Category {path: r.leaf})
  MERGE (p)-[:IN_CATEGORY]->(leaf)
}
CALL (p, r) {
  OPTIONAL MATCH (p)-[old:TAGGED]->(t:Tag) WHERE NOT t.name IN r.tags
  DELETE old
}
CALL (p, r) {
  UNWIND r.tags AS name
  MERGE (t:Tag {name: name})
  MERGE (p)-[:TAGGED]->(t)
}
RETURN count(p) AS n
