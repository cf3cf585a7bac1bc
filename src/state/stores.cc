#include "kstreams/state/stores.h"

#include <algorithm>
#include "kstreams/internal/strings.h"

namespace kstreams {
namespace {

using internal::StrCat;

class Supplier final : public KeyValueBytesStoreSupplier {
 public:
  Supplier(std::string name, bool persistent) : name_(std::move(name)), persistent_(persistent) {}
  const std::string& name() const override { return name_; }
  std::unique_ptr<internal::KeyValueBytesStore> Get() const override {
    return persistent_ ? internal::NewRocksDBKeyValueBytesStore(name_)
                       : internal::NewInMemoryKeyValueBytesStore(name_);
  }
  std::string metrics_scope() const override { return persistent_ ? "rocksdb" : "in-memory"; }

 private:
  std::string name_;
  bool persistent_;
};

class VersionedSupplier final : public VersionedBytesStoreSupplier {
 public:
  VersionedSupplier(std::string name, bool persistent, int64_t retention, int64_t segment)
      : name_(std::move(name)), persistent_(persistent), retention_(retention),
        segment_(segment) {}
  const std::string& name() const override { return name_; }
  std::unique_ptr<internal::KeyValueBytesStore> Get() const override {
    return persistent_ ? internal::NewRocksDBKeyValueBytesStore(name_)
                       : internal::NewInMemoryKeyValueBytesStore(name_);
  }
  std::unique_ptr<internal::VersionedBytesStore> GetVersioned() const override {
    return internal::NewVersionedBytesStore(Get(), retention_);
  }
  std::string metrics_scope() const override {
    return persistent_ ? "rocksdb-versioned" : "in-memory-versioned";
  }
  int64_t history_retention_ms() const override { return retention_; }
  int64_t segment_interval_ms() const override { return segment_; }

 private:
  std::string name_;
  bool persistent_;
  int64_t retention_;
  int64_t segment_;
};

// Java's default for versioned stores (Stores#computeDefaultSegmentInterval).
int64_t VersionedSegmentInterval(int64_t retention) {
  if (retention <= 60'000) return std::max<int64_t>(retention / 3, 2'000);
  if (retention <= 300'000) return std::max<int64_t>(retention / 5, 20'000);
  if (retention <= 3'600'000) return std::max<int64_t>(retention / 12, 60'000);
  return std::max<int64_t>(retention / 24, 300'000);
}

// What window and session suppliers share: name, retention, segments,
// backend and the validation of their arguments.
struct SegmentedParams {
  std::string name;
  int64_t retention = 0;
  int64_t segment_interval = 1;
  bool persistent = false;
  absl::Status status;

  std::unique_ptr<internal::SegmentedBytesStore> Make(internal::SegmentedKeyKind kind) const {
    if (!status.ok()) return internal::NewFailingSegmentedBytesStore(name, kind, status);
    return persistent ? internal::NewRocksDBSegmentedBytesStore(name, kind, retention,
                                                                segment_interval)
                      : internal::NewInMemorySegmentedBytesStore(name, kind, retention,
                                                                 segment_interval);
  }
};

SegmentedParams MakeParams(std::string name, std::chrono::milliseconds retention,
                           bool persistent, const char* what) {
  SegmentedParams p;
  p.name = std::move(name);
  p.retention = retention.count();
  p.persistent = persistent;
  p.segment_interval = internal::DefaultSegmentInterval(p.retention);
  if (p.name.empty()) {
    p.status = absl::InvalidArgumentError(StrCat(what, " store name must not be empty"));
  } else if (p.retention < 0) {
    p.status = absl::InvalidArgumentError(StrCat("retention period of ", what, " store '",
                                                 p.name, "' cannot be negative, got ",
                                                 p.retention, " ms"));
  }
  return p;
}

class WindowSupplier final : public WindowBytesStoreSupplier {
 public:
  WindowSupplier(SegmentedParams params, int64_t window_size, bool retain_duplicates)
      : p_(std::move(params)), window_size_(window_size), retain_duplicates_(retain_duplicates) {
    if (!p_.status.ok()) return;
    if (window_size_ < 0) {
      p_.status = absl::InvalidArgumentError(StrCat(
          "window size of window store '", p_.name, "' cannot be negative, got ", window_size_,
          " ms"));
    } else if (window_size_ > p_.retention) {
      p_.status = absl::InvalidArgumentError(StrCat(
          "the retention period of the window store '", p_.name,
          "' must be no smaller than its window size; got size=[", window_size_,
          "], retention=[", p_.retention, "]"));
    }
  }
  const std::string& name() const override { return p_.name; }
  std::unique_ptr<internal::SegmentedBytesStore> Get() const override {
    return p_.Make(internal::SegmentedKeyKind::kWindow);
  }
  int64_t retention_period() const override { return p_.retention; }
  int64_t window_size() const override { return window_size_; }
  int64_t segment_interval() const override { return p_.segment_interval; }
  bool retain_duplicates() const override { return retain_duplicates_; }
  std::string metrics_scope() const override {
    return p_.persistent ? "rocksdb-window" : "in-memory-window";
  }
  const absl::Status& status() const override { return p_.status; }

 private:
  SegmentedParams p_;
  int64_t window_size_;
  bool retain_duplicates_;
};

class SessionSupplier final : public SessionBytesStoreSupplier {
 public:
  explicit SessionSupplier(SegmentedParams params) : p_(std::move(params)) {}
  const std::string& name() const override { return p_.name; }
  std::unique_ptr<internal::SegmentedBytesStore> Get() const override {
    return p_.Make(internal::SegmentedKeyKind::kSession);
  }
  int64_t retention_period() const override { return p_.retention; }
  int64_t segment_interval() const override { return p_.segment_interval; }
  std::string metrics_scope() const override {
    return p_.persistent ? "rocksdb-session" : "in-memory-session";
  }
  const absl::Status& status() const override { return p_.status; }

 private:
  SegmentedParams p_;
};

}  // namespace

VersionedBytesStoreSupplierPtr Stores::PersistentVersionedKeyValueStore(
    std::string name, std::chrono::milliseconds history_retention,
    std::optional<std::chrono::milliseconds> segment_interval) {
  const int64_t retention = std::max<int64_t>(0, history_retention.count());
  return std::make_shared<VersionedSupplier>(
      std::move(name), true, retention,
      segment_interval ? segment_interval->count() : VersionedSegmentInterval(retention));
}

VersionedBytesStoreSupplierPtr Stores::InMemoryVersionedKeyValueStore(
    std::string name, std::chrono::milliseconds history_retention) {
  const int64_t retention = std::max<int64_t>(0, history_retention.count());
  return std::make_shared<VersionedSupplier>(std::move(name), false, retention,
                                             VersionedSegmentInterval(retention));
}

KeyValueBytesStoreSupplierPtr Stores::PersistentKeyValueStore(std::string name) {
  return std::make_shared<Supplier>(std::move(name), true);
}

KeyValueBytesStoreSupplierPtr Stores::InMemoryKeyValueStore(std::string name) {
  return std::make_shared<Supplier>(std::move(name), false);
}

WindowBytesStoreSupplierPtr Stores::PersistentWindowStore(std::string name,
                                                          std::chrono::milliseconds retention,
                                                          std::chrono::milliseconds window_size,
                                                          bool retain_duplicates) {
  return std::make_shared<WindowSupplier>(MakeParams(std::move(name), retention, true, "window"),
                                          window_size.count(), retain_duplicates);
}

WindowBytesStoreSupplierPtr Stores::InMemoryWindowStore(std::string name,
                                                        std::chrono::milliseconds retention,
                                                        std::chrono::milliseconds window_size,
                                                        bool retain_duplicates) {
  return std::make_shared<WindowSupplier>(
      MakeParams(std::move(name), retention, false, "window"), window_size.count(),
      retain_duplicates);
}

SessionBytesStoreSupplierPtr Stores::PersistentSessionStore(std::string name,
                                                            std::chrono::milliseconds retention) {
  return std::make_shared<SessionSupplier>(
      MakeParams(std::move(name), retention, true, "session"));
}

SessionBytesStoreSupplierPtr Stores::InMemorySessionStore(std::string name,
                                                          std::chrono::milliseconds retention) {
  return std::make_shared<SessionSupplier>(
      MakeParams(std::move(name), retention, false, "session"));
}

}  // namespace kstreams
