// kstreams/sql/push_query.h
//
// A running push query (`SELECT ... EMIT CHANGES`, ksqlDB's transient
// query): compiled like a persistent query, run by its own KafkaStreams
// (application.id "_confluent-ksql-<service id>transient_<n>_<ms>"), whose
// result rows, instead of going to a topic, come to the caller as they are
// produced: through Next(), or through the callback given to
// Engine::StartPushQuery. It ends after `LIMIT n` rows, on Stop(), or when
// destroyed. Where it starts reading follows the engine's
// 'auto.offset.reset' property (SET 'auto.offset.reset'='earliest';),
// 'latest' by default, as in ksqlDB.
//
// A row holds the projection's columns in their order (columns()); a
// table's deletions are not delivered.
//
// Thread-safety: thread-safe. Rows are produced on the query's stream
// threads (the callback runs there, one call at a time); Next(), done(),
// Stop() may be called from any thread.
//
// Example:
//
//   auto query = engine.StartPushQuery("SELECT page FROM clicks EMIT CHANGES LIMIT 3;");
//   if (!query.ok()) return query.status();
//   while (std::optional<kstreams::sql::Row> row = (*query)->Next(absl::Seconds(10))) {
//     std::cout << (*row)[0].ToString() << "\n";
//   }
#ifndef KSTREAMS_SQL_PUSH_QUERY_H_
#define KSTREAMS_SQL_PUSH_QUERY_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kstreams/sql/engine.h"
#include "kstreams/sql/value.h"

namespace kstreams::sql {

class PushQuery {
 public:
  ~PushQuery();
  PushQuery(const PushQuery&) = delete;
  PushQuery& operator=(const PushQuery&) = delete;

  // "transient_<n>_<ms>", unique in the engine.
  const std::string& id() const { return id_; }
  // The result columns, in projection order.
  const std::vector<Column>& columns() const { return columns_; }

  // The next row, waiting up to `timeout` for one; nullopt when none came
  // in time, or when the query is done and every row was taken.
  // Without a callback only: with one, rows go to the callback.
  std::optional<Row> Next(absl::Duration timeout);
  // Waits until the query is done (LIMIT reached or Stop()); true if it is.
  bool WaitUntilDone(absl::Duration timeout);
  // True once LIMIT rows were delivered or Stop() was called.
  bool done() const;
  // Rows delivered so far.
  int64_t rows() const;
  // Stops the query's KafkaStreams (waits for its threads); rows not yet
  // taken stay available to Next(). Idempotent.
  void Stop();

 private:
  friend class Engine;
  struct Sink {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Row> queue;
    std::function<void(const Row&)> on_row;
    std::optional<int64_t> limit;
    int64_t delivered = 0;
    bool done = false;
    // Called on a stream thread for each result row.
    void Deliver(Row row);
  };
  PushQuery() = default;

  std::string id_;
  std::vector<Column> columns_;
  std::shared_ptr<Sink> sink_ = std::make_shared<Sink>();
  std::unique_ptr<Topology> topology_;
  std::unique_ptr<KafkaStreams> streams_;
  std::string state_dir_;  // the query's own, removed by Stop()
};

}  // namespace kstreams::sql

#endif  // KSTREAMS_SQL_PUSH_QUERY_H_
