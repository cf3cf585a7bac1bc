-- sql_clickstream: clicks enriched with their user's region (a stream-table
-- join), then counted per region in one-minute tumbling windows of event
-- time (the click's TS).
--
-- Run it with examples/sql_clickstream (feeds sample input and checks the
-- counts) or at the prompt: kstreams-sql --file clickstream.sql

CREATE STREAM clicks (user_id STRING KEY, page STRING, ts BIGINT)
  WITH (kafka_topic='clicks', value_format='JSON', timestamp='ts', partitions=2);

CREATE TABLE users (user_id STRING PRIMARY KEY, name STRING, region STRING)
  WITH (kafka_topic='users', value_format='JSON', partitions=2);

-- Clicks of users not in the table count for region 'unknown'.
CREATE STREAM enriched_clicks AS
  SELECT c.user_id AS user_id, c.page AS page, COALESCE(u.region, 'unknown') AS region
  FROM clicks c LEFT JOIN users u ON c.user_id = u.user_id;

CREATE TABLE clicks_per_region AS
  SELECT region, COUNT(*) AS clicks
  FROM enriched_clicks
  WINDOW TUMBLING (SIZE 1 MINUTE)
  GROUP BY region
  EMIT CHANGES;
