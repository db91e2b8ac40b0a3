// Lookup and sort indexes for the traversals the feed, recommendations and
// insights run.
CREATE INDEX brand_name IF NOT EXISTS FOR (n:Brand) ON (n.name);
CREATE INDEX post_created IF NOT EXISTS FOR (n:Post) ON (n.createdAt);
CREATE INDEX product_created IF NOT EXISTS FOR (n:Product) ON (n.createdAt);
CREATE INDEX comment_created IF NOT EXISTS FOR (n:Comment) ON (n.createdAt);
CREATE TEXT INDEX product_title_text IF NOT EXISTS FOR (n:Product) ON (n.title);
