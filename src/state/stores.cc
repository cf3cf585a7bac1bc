#include "kstreams/state/stores.h"

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

}  // namespace

KeyValueBytesStoreSupplierPtr Stores::PersistentKeyValueStore(std::string name) {
  return std::make_shared<Supplier>(std::move(name), true);
}

KeyValueBytesStoreSupplierPtr Stores::InMemoryKeyValueStore(std::string name) {
  return std::make_shared<Supplier>(std::move(name), false);
}

}  // namespace kstreams
