// Feed items are addressed by the feed ID their post carries.
CREATE CONSTRAINT post_feed_id IF NOT EXISTS FOR (n:Post) REQUIRE n.feedId IS UNIQUE;
