// Relationship indexes so trending reads only recent engagement edges, and
// recompute finds stale similarity edges.
CREATE INDEX liked_at IF NOT EXISTS FOR ()-[r:LIKED]-() ON (r.at);
CREATE INDEX viewed_last IF NOT EXISTS FOR ()-[r:VIEWED]-() ON (r.last);
CREATE INDEX carted_last IF NOT EXISTS FOR ()-[r:CARTED]-() ON (r.last);
CREATE INDEX purchased_last IF NOT EXISTS FOR ()-[r:PURCHASED]-() ON (r.last);
