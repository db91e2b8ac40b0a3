// Everything the graph holds about user $id, for a data-access request.
MATCH (u:User {id: $id})
RETURN u {.*} AS profile,
  COLLECT { MATCH (u)-[f:FOLLOWS]->(x) RETURN {kind: toLower(labels(x)[0]), id: x.id, name: coalesce(x.name, ''), since: f.since} } AS following,
  COLLECT { MATCH (u)<-[f:FOLLOWS]-(x:User) RETURN {id: x.id, since: f.since} } AS followers,
  COLLECT { MATCH (u)-[r:LIKED|VIEWED|CARTED|PURCHASED|HID]->(x)
            RETURN {type: toLower(type(r)), kind: toLower(labels(x)[0]), id: x.id, details: properties(r)} } AS activity,
  COLLECT { MATCH (u)-[i:INTERESTED_IN]->(x)
            RETURN {kind: toLower(labels(x)[0]), name: coalesce(x.name, x.path), weight: i.weight, updatedAt: i.updatedAt} } AS interests,
  COLLECT { MATCH (u)-[:POSTED]->(p:Post) RETURN p {.*} } AS posts,
  COLLECT { MATCH (u)-[:WROTE]->(c:Comment)-[:ON]->(p:Post) RETURN c {.*, post: p.id} } AS comments
