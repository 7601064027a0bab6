-- Bulk likes and reposts for the feed benchmark (PostgreSQL), on a database filled by
-- `flask seed --users 10000 --posts 1000000 --follows 48` and migrated to 0013:
--   psql -v likes=1000000 -v reposts=100000 -d microblog_feedbench -f bench/add_reactions.sql
-- Anyone may like or repost; recent posts far more often (post ids grow with time),
-- each a little after the post (up to three days, never in the future). Duplicates
-- are dropped by the unique constraints; the counters are then set from the rows.
\set ON_ERROR_STOP on
INSERT INTO likes (user_id, post_id, created_at)
SELECT g.user_id, p.id, least(now(), p."timestamp" + random() * interval '3 days')
FROM (SELECT (SELECT min(id) FROM users) + floor(random() * 10000)::int AS user_id,
             (SELECT max(id) FROM posts) - floor(random() ^ 3 * 999999)::int AS post_id
      FROM generate_series(1, :likes)) AS g
JOIN posts AS p ON p.id = g.post_id
ON CONFLICT DO NOTHING;

INSERT INTO reposts (user_id, post_id, created_at)
SELECT g.user_id, p.id, least(now(), p."timestamp" + random() * interval '3 days')
FROM (SELECT (SELECT min(id) FROM users) + floor(random() * 10000)::int AS user_id,
             (SELECT max(id) FROM posts) - floor(random() ^ 3 * 999999)::int AS post_id
      FROM generate_series(1, :reposts)) AS g
JOIN posts AS p ON p.id = g.post_id
ON CONFLICT DO NOTHING;

UPDATE posts SET like_count = counted.n
FROM (SELECT post_id, count(*) AS n FROM likes GROUP BY post_id) AS counted WHERE posts.id = counted.post_id;
UPDATE posts SET repost_count = counted.n
FROM (SELECT post_id, count(*) AS n FROM reposts GROUP BY post_id) AS counted WHERE posts.id = counted.post_id;

VACUUM ANALYZE;
