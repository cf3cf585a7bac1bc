CREATE STREAM clicks (user STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);
CREATE TABLE per_user AS SELECT user, COUNT(*) AS n FROM clicks GROUP BY user;
SHOW STREAMS;
SHOW QUERIES;
DESCRIBE per_user;
