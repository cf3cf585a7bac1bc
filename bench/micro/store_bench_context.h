// The StateStoreContext of the store micro-benchmarks: a store used on its
// own, outside a task, in a temporary state directory (removed at the end)
// with default config, a 10 MiB thread cache and a changelog sink that only
// counts, so a change-logging layer does its work without keeping records.
//
// Thread-compatible: one benchmark's stores use it.
#ifndef KSTREAMS_BENCH_MICRO_STORE_BENCH_CONTEXT_H_
#define KSTREAMS_BENCH_MICRO_STORE_BENCH_CONTEXT_H_

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/state_store.h"
#include "state/thread_cache.h"

namespace kstreams::bench {

class CountingChangelogSink final : public internal::ChangelogSink {
 public:
  void Log(std::string_view, internal::BytesValue, int64_t) override { ++records; }
  int64_t records = 0;
};

class StoreBenchContext final : public StateStoreContext {
 public:
  StoreBenchContext()
      : dir_(std::filesystem::temp_directory_path() /
             ("kstreams-store-bench-" + std::to_string(::getpid()))),
        cache_(10 << 20) {
    std::filesystem::create_directories(dir_);
  }
  ~StoreBenchContext() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const std::string& application_id() const override { return app_; }
  TaskId task_id() const override { return {0, 0}; }
  std::filesystem::path state_dir() const override { return dir_; }
  const StreamsConfig& config() const override { return config_; }
  internal::ChangelogSink* changelog_sink(const std::string&) override { return &sink_; }
  internal::ThreadCache* thread_cache() override { return &cache_; }

  const CountingChangelogSink& sink() const { return sink_; }

 private:
  std::string app_ = "store-bench";
  std::filesystem::path dir_;
  StreamsConfig config_;
  internal::ThreadCache cache_;
  CountingChangelogSink sink_;
};

}  // namespace kstreams::bench

#endif  // KSTREAMS_BENCH_MICRO_STORE_BENCH_CONTEXT_H_
