// Renders feed items from the graph: post, author, tags, featured products,
// like and comment totals with the most recent $likes likers and $comments
// comments. $feedIds, $likes, $comments
UNWIND $feedIds AS fid
MATCH (a:User)-[:POSTED]->(p:Post {feedId: fid})
RETURN p{.id, .feedId, .title, .text, .images, .createdAt} AS post,
  a{.id, .name, .imageURL, .home} AS author,
  COLLECT { MATCH (p)-[:TAGGED]->(t:Tag) RETURN t.name ORDER BY t.name } AS tags,
  COLLECT { MATCH (p)-[:MENTIONS]->(m:User) WITH m ORDER BY m.id RETURN m{.id, .name, .imageURL, .home} } AS mentions,
  COLLECT {
    MATCH (p)-[:FEATURES]->(pr:Product)
    OPTIONAL MATCH (pr)-[:MADE_BY]->(b:Brand)
    WITH pr, b ORDER BY pr.id
    RETURN {id: pr.id, title: pr.title, brand: b.name, price: pr.price, currency: pr.currency, images: pr.images}
  } AS products,
  COUNT { (:User)-[:LIKED]->(p) } AS likeCount,
  COLLECT {
    MATCH (l:User)-[r:LIKED]->(p)
    WITH l, r ORDER BY r.at DESC, l.id DESC LIMIT $likes
    RETURN l{.id, .name, .imageURL, .home}
  } AS likers,
  COUNT { (:Comment)-[:ON]->(p) } AS commentCount,
  COLLECT {
    MATCH (cu:User)-[:WROTE]->(c:Comment)-[:ON]->(p)
    WITH c, cu ORDER BY c.id DESC LIMIT $comments
    RETURN {id: c.id, text: c.text, createdAt: c.createdAt, user: cu{.id, .name, .imageURL, .home}}
  } AS comments
