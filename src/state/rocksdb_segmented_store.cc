// The RocksDB backend of segmented (window / session) stores: one RocksDB
// instance per task and store at <task dir>/rocksdb/<store>, one column
// family per segment, named "segment-<id>".
//
// Why column families (Java opens one RocksDB instance per segment): a
// segment must be dropped without scanning it; DropColumnFamily deletes its
// files outright, like removing a segment directory, but the segments of a
// store share one DB (one MANIFEST, one set of background threads, ~150 KiB
// of fixed memory per store instead of per segment), and every memtable is
// still charged to the process-wide write buffer manager. Flushes are atomic
// across the column families, so a checkpoint never sees half a store.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <charconv>
#include <map>

#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"
#include "state/rocksdb_util.h"
#include "state/segment_backend.h"

namespace kstreams::internal {
namespace {

constexpr std::string_view kSegmentPrefix = "segment-";

std::optional<int64_t> ParseSegmentName(std::string_view name) {
  if (!name.starts_with(kSegmentPrefix)) return std::nullopt;
  name.remove_prefix(kSegmentPrefix.size());
  int64_t id = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc() || end != name.data() + name.size()) return std::nullopt;
  return id;
}

// One column family seen as an ordered bytes store. Destroys its handle when
// the last holder lets go (the DB outlives every segment: see Close).
class ColumnFamilySegment final : public KeyValueBytesStore {
 public:
  ColumnFamilySegment(std::string name, rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle,
                      bool* unflushed)
      : name_(std::move(name)), db_(db), handle_(handle), unflushed_(unflushed) {
    write_options_.disableWAL = true;
  }
  ~ColumnFamilySegment() override { db_->DestroyColumnFamilyHandle(handle_); }

  const std::string& name() const override { return name_; }
  absl::Status Init(StateStoreContext&) override { return absl::OkStatus(); }
  absl::Status Flush() override { return absl::OkStatus(); }
  absl::Status Close() override { return absl::OkStatus(); }
  bool persistent() const override { return true; }
  bool is_open() const override { return true; }

  absl::StatusOr<bool> Get(std::string_view key, std::string* value) override {
    QuietPerfContext();
    rocksdb::Status s =
        db_->Get(read_options_, handle_, rocksdb::Slice(key.data(), key.size()), value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return FromRocksDB(s, StrCat("get from '", name_, "'"));
    return true;
  }
  absl::Status Put(std::string_view key, BytesValue value, int64_t) override {
    QuietPerfContext();
    *unflushed_ = true;
    rocksdb::Slice k(key.data(), key.size());
    rocksdb::Status s =
        value ? db_->Put(write_options_, handle_, k, rocksdb::Slice(value->data(), value->size()))
              : db_->Delete(write_options_, handle_, k);
    if (s.ok()) return absl::OkStatus();  // no error message built per write
    return FromRocksDB(s, StrCat("write to '", name_, "'"));
  }
  std::unique_ptr<BytesIterator> Range(std::optional<std::string_view> from,
                                       std::optional<std::string_view> to,
                                       bool reverse) override {
    if (from && to && *from > *to) return EmptyBytesIterator();
    // The segmented store releases its iterators (and with them these) before
    // the DB closes, so no registry is needed here.
    return std::make_unique<RocksDBIterator>(
        nullptr, std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(read_options_, handle_)),
        from, to, reverse);
  }
  uint64_t ApproximateNumEntries() override {
    uint64_t n = 0;
    if (!db_->GetIntProperty(handle_, "rocksdb.estimate-num-keys", &n)) return 0;
    return n;
  }

  rocksdb::ColumnFamilyHandle* handle() const { return handle_; }

 private:
  std::string name_;
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* handle_;
  bool* unflushed_;
  rocksdb::ReadOptions read_options_;
  rocksdb::WriteOptions write_options_;
};

class RocksDBBackend final : public SegmentBackend {
 public:
  ~RocksDBBackend() override { (void)Close(); }

  absl::StatusOr<std::vector<int64_t>> Open(StateStoreContext& context,
                                            const std::string& name) override {
    name_ = name;
    path_ = context.state_dir() / "rocksdb" / name;
    KSTREAMS_RETURN_IF_ERROR(PrepareRocksDBOptions(context, name, path_, &options_));
    options_.options.atomic_flush = true;
    // Segments read backwards (BackwardFetch) and keep iterator snapshots
    // without the key-value store's care: never in place (src/state/README.md).
    options_.options.inplace_update_support = false;
    const rocksdb::ColumnFamilyOptions cf_options(options_.options);

    std::vector<std::string> names;
    if (!rocksdb::DB::ListColumnFamilies(options_.options, path_.string(), &names).ok()) {
      names = {rocksdb::kDefaultColumnFamilyName};  // a new store
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& n : names) descriptors.emplace_back(n, cf_options);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    KSTREAMS_RETURN_IF_ERROR(FromRocksDB(
        rocksdb::DB::Open(options_.options, path_.string(), descriptors, &handles, &db),
        StrCat("opening store '", name, "' at '", path_.string(), "'")));
    db_.reset(db);
    std::vector<int64_t> ids;
    for (size_t i = 0; i < handles.size(); ++i) {
      std::optional<int64_t> id = ParseSegmentName(names[i]);
      if (id) {
        opened_[*id] = handles[i];
        ids.push_back(*id);
      } else {
        default_handle_ = handles[i];
      }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  absl::StatusOr<std::shared_ptr<KeyValueBytesStore>> Segment(int64_t id) override {
    rocksdb::ColumnFamilyHandle* handle = nullptr;
    if (auto it = opened_.find(id); it != opened_.end()) {
      handle = it->second;
      opened_.erase(it);
    } else {
      KSTREAMS_RETURN_IF_ERROR(FromRocksDB(
          db_->CreateColumnFamily(rocksdb::ColumnFamilyOptions(options_.options),
                                  StrCat(kSegmentPrefix, id), &handle),
          StrCat("creating segment ", id, " of store '", name_, "'")));
    }
    auto segment = std::make_shared<ColumnFamilySegment>(StrCat(name_, ".", id), db_.get(),
                                                         handle, &unflushed_);
    live_[id] = segment.get();
    return segment;
  }

  absl::Status Drop(int64_t id) override {
    auto it = live_.find(id);
    if (it == live_.end()) return absl::OkStatus();
    rocksdb::ColumnFamilyHandle* handle = it->second->handle();
    live_.erase(it);
    return FromRocksDB(db_->DropColumnFamily(handle),
                       StrCat("dropping segment ", id, " of store '", name_, "'"));
  }

  absl::Status Flush() override {
    if (db_ == nullptr || !unflushed_ || live_.empty()) return absl::OkStatus();
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    for (const auto& [id, segment] : live_) handles.push_back(segment->handle());
    rocksdb::FlushOptions options;
    options.wait = true;
    absl::Status s =
        FromRocksDB(db_->Flush(options, handles), StrCat("flushing store '", name_, "'"));
    if (s.ok()) unflushed_ = false;
    return s;
  }

  // The segmented store flushed and released every segment before this.
  absl::Status Close() override {
    if (db_ == nullptr) return absl::OkStatus();
    live_.clear();
    for (auto& [id, handle] : opened_) db_->DestroyColumnFamilyHandle(handle);
    opened_.clear();
    if (default_handle_ != nullptr) db_->DestroyColumnFamilyHandle(default_handle_);
    default_handle_ = nullptr;
    return CloseRocksDB(db_, options_, name_);
  }

  bool persistent() const override { return true; }

 private:
  std::string name_;
  std::filesystem::path path_;
  RocksDBStoreOptions options_;  // outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_handle_ = nullptr;
  // Segments found at Open and not yet handed out.
  std::map<int64_t, rocksdb::ColumnFamilyHandle*> opened_;
  // Segments handed out and not dropped (owned by their holders).
  std::map<int64_t, ColumnFamilySegment*> live_;
  bool unflushed_ = false;
};

}  // namespace

std::unique_ptr<SegmentedBytesStore> NewRocksDBSegmentedBytesStore(
    std::string name, SegmentedKeyKind kind, int64_t retention_ms, int64_t segment_interval_ms) {
  return NewSegmentedBytesStore(std::move(name), kind, retention_ms, segment_interval_ms,
                                std::make_unique<RocksDBBackend>());
}

}  // namespace kstreams::internal
