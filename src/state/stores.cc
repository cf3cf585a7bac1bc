#include "kstreams/state/stores.h"

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
