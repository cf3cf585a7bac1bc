// A StateStoreContext for store unit tests: a fresh temporary state
// directory, a thread cache, and a changelog sink that keeps what it gets.
#ifndef KSTREAMS_TESTS_UNIT_STATE_TEST_STORE_CONTEXT_H_
#define KSTREAMS_TESTS_UNIT_STATE_TEST_STORE_CONTEXT_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/state_store.h"
#include "state/rocksdb_settings.h"
#include "state/thread_cache.h"

namespace kstreams::testing {

struct LoggedChange {
  std::string key;
  std::optional<std::string> value;
  int64_t timestamp;
  Headers headers = {};
  friend bool operator==(const LoggedChange&, const LoggedChange&) = default;
};

inline std::filesystem::path NewTempDir() {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("kstreams-state-test-" + std::to_string(::getpid()) + "-" +
                               std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

class TestStoreContext final : public StateStoreContext {
 public:
  explicit TestStoreContext(int64_t cache_bytes = 10 * 1024 * 1024,
                            std::filesystem::path state_root = NewTempDir())
      : root_(std::move(state_root)), cache_(cache_bytes) {
    config_.Set(StreamsConfig::kApplicationId, "app");
    config_.Set(StreamsConfig::kStateDir, root_.string());
  }
  ~TestStoreContext() override {
    std::error_code ec;
    if (owns_root_) std::filesystem::remove_all(root_, ec);
  }

  const std::string& application_id() const override { return app_; }
  TaskId task_id() const override { return TaskId{0, 0}; }
  std::filesystem::path state_dir() const override { return root_ / app_ / "0_0"; }
  const StreamsConfig& config() const override { return config_; }
  internal::ChangelogSink* changelog_sink(const std::string& store_name) override {
    return &sinks_[store_name];
  }
  internal::ThreadCache* thread_cache() override { return &cache_; }
  // nullptr (the default): the stores parse config() themselves.
  const internal::RocksDBSettings* rocksdb_settings() const override {
    return rocksdb_settings_ ? &*rocksdb_settings_ : nullptr;
  }
  // Stores initialized from now on see `settings` (e.g. transactional ones).
  void set_rocksdb_settings(internal::RocksDBSettings settings) {
    rocksdb_settings_ = std::move(settings);
  }
  int64_t record_timestamp() const override { return timestamp_; }
  void RegisterRestore(const std::string& store_name, StateRestoreCallback* restore) override {
    restore_callbacks_[store_name] = restore;
  }
  // What the change-logging layer of `store` registered (nullptr: nothing).
  StateRestoreCallback* restore_callback(const std::string& store) {
    auto it = restore_callbacks_.find(store);
    return it == restore_callbacks_.end() ? nullptr : it->second;
  }

  void set_record_timestamp(int64_t ts) { timestamp_ = ts; }
  StreamsConfig& mutable_config() { return config_; }
  internal::ThreadCache& cache() { return cache_; }
  void keep_root() { owns_root_ = false; }
  const std::filesystem::path& root() const { return root_; }
  const std::vector<LoggedChange>& changelog(const std::string& store) {
    return sinks_[store].changes;
  }
  // Replays `changes` (another store's changelog) through `store`'s restore target.
  absl::Status Restore(const std::string& store, const std::vector<LoggedChange>& changes) {
    StateRestoreCallback* restore = restore_callback(store);
    if (restore == nullptr) return absl::NotFoundError("no restore target for " + store);
    std::vector<ChangelogRecord> records;
    int64_t offset = 0;
    for (const LoggedChange& c : changes) {
      ChangelogRecord r;
      r.key = c.key;
      if (c.value) r.value = *c.value;
      r.timestamp = c.timestamp;
      r.offset = offset++;
      records.push_back(r);
    }
    return restore->RestoreBatch(records);
  }

 private:
  struct Sink final : internal::ChangelogSink {
    void Log(std::string_view key, internal::BytesValue value, int64_t ts) override {
      LogWithHeaders(key, value, ts, {});
    }
    void LogWithHeaders(std::string_view key, internal::BytesValue value, int64_t ts,
                        const Headers& headers) override {
      std::optional<std::string> v;
      if (value) v.emplace(*value);
      changes.push_back({std::string(key), std::move(v), ts, headers});
    }
    std::vector<LoggedChange> changes;
  };

  std::filesystem::path root_;
  bool owns_root_ = true;
  std::string app_ = "app";
  StreamsConfig config_;
  internal::ThreadCache cache_;
  std::map<std::string, Sink> sinks_;
  std::map<std::string, StateRestoreCallback*> restore_callbacks_;
  int64_t timestamp_ = 0;
  std::optional<internal::RocksDBSettings> rocksdb_settings_;
};

}  // namespace kstreams::testing

#endif  // KSTREAMS_TESTS_UNIT_STATE_TEST_STORE_CONTEXT_H_
