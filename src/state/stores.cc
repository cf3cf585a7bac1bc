#include "kstreams/state/stores.h"

#include <algorithm>

namespace kstreams {
namespace {

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

int64_t DefaultSegmentInterval(int64_t retention) {
  return std::clamp<int64_t>(retention / 2, 60'000, 24 * 3600 * 1000);
}

}  // namespace

VersionedBytesStoreSupplierPtr Stores::PersistentVersionedKeyValueStore(
    std::string name, std::chrono::milliseconds history_retention,
    std::optional<std::chrono::milliseconds> segment_interval) {
  const int64_t retention = std::max<int64_t>(0, history_retention.count());
  return std::make_shared<VersionedSupplier>(
      std::move(name), true, retention,
      segment_interval ? segment_interval->count() : DefaultSegmentInterval(retention));
}

VersionedBytesStoreSupplierPtr Stores::InMemoryVersionedKeyValueStore(
    std::string name, std::chrono::milliseconds history_retention) {
  const int64_t retention = std::max<int64_t>(0, history_retention.count());
  return std::make_shared<VersionedSupplier>(std::move(name), false, retention,
                                             DefaultSegmentInterval(retention));
}

KeyValueBytesStoreSupplierPtr Stores::PersistentKeyValueStore(std::string name) {
  return std::make_shared<Supplier>(std::move(name), true);
}

KeyValueBytesStoreSupplierPtr Stores::InMemoryKeyValueStore(std::string name) {
  return std::make_shared<Supplier>(std::move(name), false);
}

}  // namespace kstreams
