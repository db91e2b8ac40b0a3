// The shared audience of brands $a and $b: followers of a brand or shoppers
// who liked, carted or bought its products.
WITH COLLECT {
       MATCH (:Brand {id: $a})<-[:FOLLOWS]-(u:User) RETURN u
       UNION
       MATCH (:Brand {id: $a})<-[:MADE_BY]-(:Product)<-[:LIKED|CARTED|PURCHASED]-(u:User) RETURN u
     } AS audA,
     COLLECT {
       MATCH (:Brand {id: $b})<-[:FOLLOWS]-(u:User) RETURN u
       UNION
       MATCH (:Brand {id: $b})<-[:MADE_BY]-(:Product)<-[:LIKED|CARTED|PURCHASED]-(u:User) RETURN u
     } AS audB
WITH audA, audB, [u IN audA WHERE u IN audB] AS shared
RETURN size(audA) AS a, size(audB) AS b, size(shared) AS shared,
       CASE WHEN size(audA) + size(audB) - size(shared) = 0 THEN 0.0
            ELSE toFloat(size(shared)) / (size(audA) + size(audB) - size(shared)) END AS jaccard
