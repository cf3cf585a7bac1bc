// The RocksDB bytes store: one RocksDB instance per task and store at
// <task state dir>/rocksdb/<store name>, as Kafka Streams lays it out.
// Options and their reasons are in src/state/README.md. This directory is
// the only place that includes RocksDB headers.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "kstreams/internal/strings.h"
#include "kstreams/log.h"
#include "kstreams/state/internal/key_value_bytes_store.h"
#include "kstreams/state/internal/query_read_scope.h"
#include "kstreams/state/internal/store_metrics.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "kstreams/status_macros.h"
#include "state/rocksdb_util.h"

namespace kstreams {

// --- RocksDBOptions --------------------------------------------------------

void RocksDBOptions::SetWriteBufferSize(size_t bytes) { options_->write_buffer_size = bytes; }
void RocksDBOptions::SetMaxWriteBufferNumber(int n) { options_->max_write_buffer_number = n; }
void RocksDBOptions::SetCompression(Compression compression) {
  switch (compression) {
    case Compression::kNone: options_->compression = rocksdb::kNoCompression; break;
    case Compression::kSnappy: options_->compression = rocksdb::kSnappyCompression; break;
    case Compression::kLz4: options_->compression = rocksdb::kLZ4Compression; break;
    case Compression::kZstd: options_->compression = rocksdb::kZSTD; break;
  }
}
void RocksDBOptions::SetBlockSize(size_t bytes) { table_->block_size = bytes; }
void RocksDBOptions::SetBloomFilterBitsPerKey(double bits) {
  if (bits <= 0) {
    table_->filter_policy.reset();
  } else {
    table_->filter_policy.reset(rocksdb::NewBloomFilterPolicy(bits));
  }
}
void RocksDBOptions::SetMaxBackgroundJobs(int n) { options_->max_background_jobs = n; }
void RocksDBOptions::SetInPlaceUpdates(bool enabled) {
  options_->inplace_update_support = enabled;
}

namespace {
std::mutex& SetterMutex() {
  static std::mutex mu;
  return mu;
}
std::map<std::string, RocksDBConfigSetterFactory>& Setters() {
  static auto* setters = new std::map<std::string, RocksDBConfigSetterFactory>();
  return *setters;
}
}  // namespace

void RegisterRocksDBConfigSetter(const std::string& name, RocksDBConfigSetterFactory factory) {
  std::lock_guard<std::mutex> lock(SetterMutex());
  Setters()[name] = std::move(factory);
}

namespace internal {

// --- The one rocksdb::Status -> absl::Status conversion --------------------

absl::Status FromRocksDB(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = StrCat("RocksDB ", what, ": ", s.ToString());
  switch (s.code()) {
    case rocksdb::Status::kNotFound: return absl::NotFoundError(message);
    case rocksdb::Status::kCorruption: return absl::DataLossError(message);
    case rocksdb::Status::kNotSupported: return absl::UnimplementedError(message);
    case rocksdb::Status::kInvalidArgument: return absl::InvalidArgumentError(message);
    case rocksdb::Status::kIOError:
      if (s.ToString().find("lock") != std::string::npos) {
        return absl::FailedPreconditionError(StrCat(
            message, " (the store is open elsewhere: another instance or thread "
                     "owns this task's state directory)"));
      }
      return absl::UnavailableError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain: return absl::UnavailableError(message);
    case rocksdb::Status::kAborted:
    case rocksdb::Status::kIncomplete:
    case rocksdb::Status::kShutdownInProgress: return absl::AbortedError(message);
    default: return absl::InternalError(message);
  }
}

namespace {

absl::StatusOr<size_t> SizeConfig(const StreamsConfig& config, const char* key,
                                  size_t default_value) {
  if (!config.Get(key)) return default_value;
  absl::StatusOr<int64_t> v = config.GetInt(key);
  if (!v.ok()) return v.status();
  if (*v <= 0) {
    return absl::InvalidArgumentError(StrCat("config '", key, "' must be positive, got ", *v));
  }
  return static_cast<size_t>(*v);
}

}  // namespace

absl::StatusOr<RocksDBSettings> ParseRocksDBSettings(const StreamsConfig& config) {
  RocksDBSettings out;
  KSTREAMS_ASSIGN_OR_RETURN(
      out.block_cache_bytes,
      SizeConfig(config, RocksDBOptions::kBlockCacheBytes, out.block_cache_bytes));
  KSTREAMS_ASSIGN_OR_RETURN(out.write_buffer_manager_bytes,
                            SizeConfig(config, RocksDBOptions::kWriteBufferManagerBytes,
                                       out.write_buffer_manager_bytes));
  if (std::optional<std::string> name = config.Get(RocksDBOptions::kConfigSetter);
      name && !name->empty()) {
    {
      std::lock_guard<std::mutex> lock(SetterMutex());
      auto it = Setters().find(*name);
      if (it != Setters().end()) out.setter = it->second;
    }
    if (!out.setter) {
      return absl::InvalidArgumentError(StrCat(
          "config '", RocksDBOptions::kConfigSetter, "' names '", *name,
          "', which is not registered (kstreams::RegisterRocksDBConfigSetter)"));
    }
    out.setter_name = std::move(*name);
  }
  return out;
}

// --- Process-wide memory -----------------------------------------------------

std::shared_ptr<RocksDBShared> RocksDBShared::Get(size_t cache_bytes, size_t wbm_bytes) {
  static std::mutex mu;
  static auto* by_size = new std::map<std::pair<size_t, size_t>, std::weak_ptr<RocksDBShared>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& weak = (*by_size)[{cache_bytes, wbm_bytes}];
  if (auto shared = weak.lock()) return shared;
  auto shared = std::make_shared<RocksDBShared>();
  // strict_capacity_limit=false: RocksDB never fails a read for lack of
  // cache; high-priority pool for index and filter blocks.
  shared->cache = rocksdb::NewLRUCache(cache_bytes, /*num_shard_bits=*/-1,
                                       /*strict_capacity_limit=*/false,
                                       /*high_pri_pool_ratio=*/0.1);
  shared->write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(wbm_bytes, shared->cache);
  shared->cache_bytes = cache_bytes;
  weak = shared;
  return shared;
}

namespace {

// RocksDB's info log of one store, into the kstreams log, at the store's
// info_log_level (ERROR unless a config setter lowers it; RocksDB's info
// level logs every flush and compaction).
class RocksDBLogger final : public rocksdb::Logger {
 public:
  explicit RocksDBLogger(std::string store)
      : rocksdb::Logger(rocksdb::InfoLogLevel::ERROR_LEVEL), store_(std::move(store)) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::WARN_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    const LogLevel ours = level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? LogLevel::kError
                                                                      : LogLevel::kWarning;
    if (!LogEnabled(ours)) return;
    char buffer[1024];
    const int n = std::vsnprintf(buffer, sizeof(buffer), format, ap);
    if (n < 0) return;
    LogLine(ours, StrCat("RocksDB store '", store_, "': ",
                         std::string_view(buffer, std::min<size_t>(n, sizeof(buffer) - 1))));
  }

 private:
  std::string store_;
};

}  // namespace

absl::Status PrepareRocksDBOptions(const StateStoreContext& context, const std::string& name,
                                   const std::filesystem::path& path, RocksDBStoreOptions* out,
                                   size_t write_buffer_bytes) {
  // Outside a task (a store used on its own) nothing parsed the config yet.
  std::optional<RocksDBSettings> parsed_here;
  const RocksDBSettings* settings = context.rocksdb_settings();
  if (settings == nullptr) {
    KSTREAMS_ASSIGN_OR_RETURN(parsed_here, ParseRocksDBSettings(context.config()));
    settings = &*parsed_here;
  }
  out->shared =
      RocksDBShared::Get(settings->block_cache_bytes, settings->write_buffer_manager_bytes);

  rocksdb::Options& options = out->options;
  rocksdb::BlockBasedTableOptions table;
  options.create_if_missing = true;
  options.error_if_exists = false;
  options.compression = rocksdb::kNoCompression;
  options.compaction_style = rocksdb::kCompactionStyleUniversal;
  options.write_buffer_size = write_buffer_bytes;
  options.max_write_buffer_number = 3;
  // Memtables grow in 16 KiB arena blocks instead of min(1 MiB,
  // write_buffer_size / 8): every store with a non-empty memtable holds
  // at least one block, so with many stores the block size, not the data,
  // would fill the shared write buffer budget.
  options.arena_block_size = 16 << 10;
  options.max_background_jobs = 2;
  // Point-in-time iterators and no flush before reverse ranges (Kafka
  // Streams' default too): a write adds a memtable entry. In-place updates
  // are a config setter's opt-in (RocksDBOptions::SetInPlaceUpdates; their
  // locks cost ~550 KiB per memtable, see src/state/README.md).
  options.inplace_update_support = false;
  // RocksDB's default of 10,000 locks (56 bytes each) would be allocated
  // with every memtable of a store that opts in: 1,000 stores took 550 MiB
  // at open. A store has one writer (its stream thread), so a few stripes
  // serve the readers (queries) as well.
  options.inplace_update_num_locks = 16;
  options.allow_concurrent_memtable_write = false;
  // One table-cache shard instead of 64 (~24 KiB per store): a store's SST
  // files are opened by its stream thread and, rarely, a query.
  options.table_cache_numshardbits = 0;
  // No LOG file per store (a file, a descriptor and a buffer each):
  // RocksDB's errors go to the kstreams log, naming the store.
  auto logger = std::make_shared<RocksDBLogger>(name);
  options.info_log = logger;
  options.info_log_level = rocksdb::InfoLogLevel::ERROR_LEVEL;
  options.stats_dump_period_sec = 0;
  // The MANIFEST of a key-value store stays tiny; RocksDB's 4 MiB
  // preallocation would cost 4 GiB of disk for 1,000 stores.
  options.manifest_preallocation_size = 64 << 10;
  options.stats_persist_period_sec = 0;
  options.write_buffer_manager = out->shared->write_buffer_manager;
  table.block_cache = out->shared->cache;
  table.block_size = 4 * 1024;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = false;

  if (settings->setter) {
    out->setter = settings->setter();
    RocksDBOptions handle(&options, &table);
    out->setter->SetConfig(name, handle, context.config());
  }
  if (options.info_log == logger) logger->SetInfoLogLevel(options.info_log_level);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::UnavailableError(StrCat("cannot create directory '", path.string(),
                                         "': ", ec.message()));
  }
  return absl::OkStatus();
}

absl::Status CloseRocksDB(std::unique_ptr<rocksdb::DB>& db, RocksDBStoreOptions& options,
                          const std::string& name) {
  absl::Status s = FromRocksDB(db->Close(), StrCat("closing store '", name, "'"));
  db.reset();
  if (options.setter) {
    options.setter->Close(name);
    options.setter.reset();
  }
  options.options = rocksdb::Options();  // drops its references to the shared cache
  options.shared.reset();
  return s;
}

// --- Perf context ------------------------------------------------------------

void QuietPerfContext() {
  static thread_local bool done = false;
  if (done) return;
  if (QueryReadScope::active()) return;  // a user's thread (a query): left alone
  done = true;
  if (rocksdb::GetPerfLevel() == rocksdb::PerfLevel::kEnableCount) {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  }
}

// --- Iterators ---------------------------------------------------------------

void RocksDBIteratorRegistry::ReleaseAll() {
  absl::flat_hash_set<RocksDBIterator*> live;
  live.swap(live_);
  for (RocksDBIterator* it : live) it->Release();
}

RocksDBIterator::RocksDBIterator(RocksDBIteratorRegistry* registry,
                                 std::unique_ptr<rocksdb::Iterator> it,
                                 std::optional<std::string_view> from,
                                 std::optional<std::string_view> to, bool reverse,
                                 std::shared_ptr<const void> keep_alive)
    : registry_(registry), keep_alive_(std::move(keep_alive)), it_(std::move(it)),
      reverse_(reverse) {
  if (from) from_ = std::string(*from);
  if (to) to_ = std::string(*to);
  if (registry_ != nullptr) registry_->Register(this);
  if (!reverse_) {
    if (from_) it_->Seek(*from_); else it_->SeekToFirst();
  } else {
    if (to_) it_->SeekForPrev(*to_); else it_->SeekToLast();
  }
  Settle();
}

RocksDBIterator::~RocksDBIterator() {
  if (registry_ != nullptr) registry_->Unregister(this);
}

void RocksDBIterator::Next() {
  if (!valid_) return;
  if (reverse_) it_->Prev(); else it_->Next();
  Settle();
}

void RocksDBIterator::Release() {
  it_.reset();
  keep_alive_.reset();
  valid_ = false;
  registry_ = nullptr;
  status_ = absl::FailedPreconditionError("store closed while iterating");
}

void RocksDBIterator::Settle() {
  valid_ = it_->Valid();
  if (!valid_) {
    status_ = FromRocksDB(it_->status(), "iterator");
    return;
  }
  rocksdb::Slice k = it_->key();
  std::string_view key(k.data(), k.size());
  if (!reverse_ && to_ && key > *to_) valid_ = false;
  if (reverse_ && from_ && key < *from_) valid_ = false;
}

namespace {

// Writes `key` = `value` (nullopt: deletes it) into `batch`. With in-place
// updates (src/state/README.md), a Put whose value is no larger than the
// key's newest value in the active memtable overwrites that value, which an
// open iterator would then see. With `keep_snapshots` (the store has open
// iterators and updates in place), a Put is preceded by a Delete of the key:
// the tombstone is the key's newest entry, so RocksDB appends the Put and
// leaves the entry iterators read untouched.
void AddWrite(rocksdb::WriteBatch& batch, std::string_view key, BytesValue value,
              bool keep_snapshots) {
  // WriteBatch::Put/Delete fail only past the batch's max_bytes (unset here).
  rocksdb::Slice k(key.data(), key.size());
  if (!value) {
    (void)batch.Delete(k);
    return;
  }
  if (keep_snapshots) (void)batch.Delete(k);
  (void)batch.Put(k, rocksdb::Slice(value->data(), value->size()));
}

// One write as AddWrite describes, without a batch when it can.
rocksdb::Status WriteOne(rocksdb::DB* db, const rocksdb::WriteOptions& options,
                         std::string_view key, BytesValue value, bool keep_snapshots) {
  rocksdb::Slice k(key.data(), key.size());
  if (!value) return db->Delete(options, k);
  if (!keep_snapshots) return db->Put(options, k, rocksdb::Slice(value->data(), value->size()));
  rocksdb::WriteBatch batch;
  AddWrite(batch, key, value, keep_snapshots);
  return db->Write(options, &batch);
}

// Transactional stores keep the changelog offset of their last commit under
// this key of this column family: apart from the data, so no scan sees it and
// no user key can clash with it, and written in the same WriteBatch as the
// data it describes. They write with RocksDB's WAL (not synced: it survives a
// process crash, the case this is for): a SIGKILL loses no committed write
// still in a memtable, and recovery replays whole batches in order, so the
// disk holds the state of some commit (or restore batch) with its offset.
constexpr char kOffsetsFamily[] = "kstreams-changelog-offset";
constexpr char kOffsetKey[] = "offset";

std::string EncodeOffset(int64_t offset) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(offset & 0xff);
    offset = static_cast<int64_t>(static_cast<uint64_t>(offset) >> 8);
  }
  return out;
}

std::optional<int64_t> DecodeOffset(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(v);
}

class RocksDBKeyValueStore final : public KeyValueBytesStore {
 public:
  // 1 MiB memtables (Java, and kstreams' window and session stores: 16 MiB).
  // Without in-place updates every write is a memtable entry, and a store's
  // hot keys (counts, aggregates, tables) make a large memtable mostly old
  // versions: every point read and write walks a skip list that no longer
  // fits the CPU caches (count_uncached: 156 k records per CPU second with
  // 16 MiB, 239 k with 1 MiB). The runtime's checkpoints flush every 10,000
  // changelog records anyway. Window stores keep 16 MiB: their fetches
  // iterate over every sorted run, and with 1 MiB a stream-stream join cost
  // 53% more instructions per record.
  static constexpr size_t kMemtableBytes = size_t{1} << 20;

  explicit RocksDBKeyValueStore(std::string name) : name_(std::move(name)) {
    write_options_.disableWAL = true;
  }
  ~RocksDBKeyValueStore() override { (void)Close(); }

  const std::string& name() const override { return name_; }
  bool persistent() const override { return true; }
  bool is_open() const override { return db_ != nullptr; }

  absl::Status Init(StateStoreContext& context) override {
    if (db_ != nullptr) return absl::OkStatus();
    path_ = context.state_dir() / "rocksdb" / name_;
    KSTREAMS_RETURN_IF_ERROR(
        PrepareRocksDBOptions(context, name_, path_, &options_, kMemtableBytes));
    const RocksDBSettings* settings = context.rocksdb_settings();
    keep_offset_ = settings != nullptr && settings->transactional;
    // Every write (a mix would let recovery replay a later batch without an
    // earlier one).
    if (keep_offset_) {
      write_options_.disableWAL = false;
      // After a crash, the WAL's batches go back into memtables without a
      // flush at open (the WAL stays until they are flushed as usual).
      options_.options.avoid_flush_during_recovery = true;
    }
    AddPropertySensors(context);
    KSTREAMS_RETURN_IF_ERROR(Open());
    SampleProperties();
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<int64_t>> BeginTransactions() override {
    if (db_ == nullptr) return NotOpen();
    if (!keep_offset_) return StateRestoreCallback::BeginTransactions();
    if (txn_ == nullptr) txn_ = NewTransaction();
    return committed_offset_;
  }

  absl::Status CommitTransaction(int64_t changelog_offset) override {
    if (db_ == nullptr) return NotOpen();
    KSTREAMS_DCHECK(txn_ != nullptr);
    if (txn_->GetWriteBatch()->Count() == 0 && committed_offset_ == changelog_offset) {
      return absl::OkStatus();  // nothing written since the last commit
    }
    const std::string encoded = EncodeOffset(changelog_offset);
    (void)txn_->Put(offsets_, kOffsetKey, encoded);
    rocksdb::Status s = db_->Write(write_options_, txn_->GetWriteBatch());
    if (!s.ok()) return FromRocksDB(s, StrCat("commit to store '", name_, "'"));
    committed_offset_ = changelog_offset;
    unflushed_ = true;
    // Open iterators read the old batch: they keep it (keep_alive).
    if (iterators_.empty()) {
      txn_->Clear();
    } else {
      txn_ = NewTransaction();
    }
    return absl::OkStatus();
  }

  // Restores a batch of changelog records as one RocksDB write batch.
  absl::Status RestoreBatch(std::span<const ChangelogRecord> records) override {
    if (db_ == nullptr) return NotOpen();
    unflushed_ = true;
    // The batch is written as one WriteBatch, so only the last record of a
    // key decides what the store holds after it: the earlier ones are
    // skipped. A memtable insert costs RocksDB far more than the hash
    // lookup (a changelog of 10,000 hot keys restored ~2x faster). The
    // survivors go in key order: RocksDB's skip list starts each insert
    // from where the previous one went in, so sorted inserts compare far
    // fewer keys than random ones.
    last_of_key_.clear();
    for (size_t i = 0; i < records.size(); ++i) {
      last_of_key_[absl::string_view(records[i].key.data(), records[i].key.size())] = i;
    }
    sorted_.clear();
    for (const auto& [key, index] : last_of_key_) sorted_.push_back(index);
    std::sort(sorted_.begin(), sorted_.end(),
              [records](size_t a, size_t b) { return records[a].key < records[b].key; });
    rocksdb::WriteBatch batch;
    const bool keep_snapshots = KeepSnapshots();
    for (size_t i : sorted_) {
      const ChangelogRecord& r = records[i];
      BytesValue v;
      if (r.value) v = *r.value;
      AddWrite(batch, r.key, v, keep_snapshots);
    }
    // A transactional store restores committed records (read_committed):
    // the batch's last offset goes with them, so a crash mid-restoration
    // resumes after it.
    const bool with_offset = txn_ != nullptr && !records.empty();
    if (with_offset) (void)batch.Put(offsets_, kOffsetKey, EncodeOffset(records.back().offset));
    rocksdb::Status s = db_->Write(write_options_, &batch);
    SampleProperties();
    if (s.ok()) {
      if (with_offset) committed_offset_ = records.back().offset;
      return absl::OkStatus();
    }
    return FromRocksDB(s, StrCat("restore write to store '", name_, "'"));
  }

  // Deletes the instance's files and opens it again, empty.
  absl::Status Wipe() override {
    if (db_ == nullptr) return NotOpen();
    {
      // Nothing to wipe (a first start): spare the close, destroy and reopen.
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options_));
      it->SeekToFirst();
      if (!it->Valid() && it->status().ok()) {
        if (!committed_offset_) return absl::OkStatus();
        // Forget the offset with the (empty) contents.
        committed_offset_.reset();
        return FromRocksDB(db_->Delete(write_options_, offsets_, kOffsetKey),
                           StrCat("wiping the changelog offset of store '", name_, "'"));
      }
    }
    iterators_.ReleaseAll();
    if (txn_ != nullptr) txn_ = NewTransaction();
    committed_offset_.reset();
    DropFamilyHandle();
    absl::Status c = FromRocksDB(db_->Close(), StrCat("closing store '", name_, "' to wipe it"));
    db_.reset();
    if (!c.ok()) return c;
    absl::Status d = FromRocksDB(rocksdb::DestroyDB(path_.string(), options_.options),
                                 StrCat("wiping store '", name_, "' at '", path_.string(), "'"));
    if (!d.ok()) return d;
    unflushed_ = false;
    return Open();
  }

  absl::Status Flush() override {
    if (db_ == nullptr || !unflushed_) return absl::OkStatus();
    rocksdb::FlushOptions options;
    options.wait = true;
    rocksdb::Status flushed =
        offsets_ == nullptr
            ? db_->Flush(options)
            : db_->Flush(options, {db_->DefaultColumnFamily(), offsets_});
    absl::Status s = FromRocksDB(flushed, StrCat("flushing store '", name_, "'"));
    if (s.ok()) unflushed_ = false;
    SampleProperties();
    return s;
  }

  absl::Status Close() override {
    if (db_ == nullptr) return absl::OkStatus();
    // Without a WAL, unflushed memtables would be lost: flush first.
    // A transactional store's uncommitted writes are dropped: they were
    // never committed (a clean close commits first).
    absl::Status s = Flush();
    iterators_.ReleaseAll();
    txn_.reset();
    DropFamilyHandle();
    absl::Status c = CloseRocksDB(db_, options_, name_);
    return s.ok() ? c : s;
  }

  absl::StatusOr<bool> Get(std::string_view key, std::string* value) override {
    if (db_ == nullptr) return NotOpen();
    QuietPerfContext();
    const rocksdb::Slice k(key.data(), key.size());
    // Interactive queries read what is committed only.
    rocksdb::Status s = txn_ != nullptr && !QueryReadScope::active()
                            ? txn_->GetFromBatchAndDB(db_.get(), read_options_, k, value)
                            : db_->Get(read_options_, k, value);
    if (s.ok()) return true;
    if (s.IsNotFound()) return false;
    return FromRocksDB(s, StrCat("get from store '", name_, "'"));
  }

  absl::Status Put(std::string_view key, BytesValue value, int64_t) override {
    if (db_ == nullptr) return NotOpen();
    QuietPerfContext();
    if (txn_ != nullptr) {
      AddUncommitted(key, value);
      return absl::OkStatus();
    }
    unflushed_ = true;
    if (--writes_until_sample_ <= 0) SampleProperties();
    rocksdb::Status s = WriteOne(db_.get(), write_options_, key, value, KeepSnapshots());
    if (s.ok()) return absl::OkStatus();  // no error message built per write
    return FromRocksDB(s, StrCat("write to store '", name_, "'"));
  }

  absl::Status PutAll(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& entries,
      int64_t) override {
    if (db_ == nullptr) return NotOpen();
    if (txn_ != nullptr) {
      for (const auto& [key, value] : entries) {
        BytesValue v;
        if (value) v = *value;
        AddUncommitted(key, v);
      }
      return absl::OkStatus();
    }
    unflushed_ = true;
    rocksdb::WriteBatch batch;
    const bool keep_snapshots = KeepSnapshots();
    for (const auto& [key, value] : entries) {
      BytesValue v;
      if (value) v = *value;
      AddWrite(batch, key, v, keep_snapshots);
    }
    rocksdb::Status s = db_->Write(write_options_, &batch);
    writes_until_sample_ -= static_cast<int64_t>(entries.size());
    if (writes_until_sample_ <= 0) SampleProperties();
    if (s.ok()) return absl::OkStatus();
    return FromRocksDB(s, StrCat("batch write to store '", name_, "'"));
  }

  std::unique_ptr<BytesIterator> Range(std::optional<std::string_view> from,
                                       std::optional<std::string_view> to,
                                       bool reverse) override {
    if (db_ == nullptr || (from && to && *from > *to)) return EmptyBytesIterator();
    if (reverse && options_.options.inplace_update_support) {
      // RocksDB refuses to iterate backwards over unflushed in-place data.
      if (absl::Status s = Flush(); !s.ok()) return EmptyBytesIterator(s);
    }
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options_));
    if (txn_ != nullptr && !QueryReadScope::active()) {
      // The task's own uncommitted writes over a snapshot of the DB; the
      // batch part is live (see src/state/README.md).
      std::unique_ptr<rocksdb::Iterator> merged(txn_->NewIteratorWithBase(it.release()));
      return std::make_unique<RocksDBIterator>(&iterators_, std::move(merged), from, to, reverse,
                                               txn_);
    }
    return std::make_unique<RocksDBIterator>(&iterators_, std::move(it), from, to, reverse);
  }

  uint64_t ApproximateNumEntries() override {
    if (db_ == nullptr) return 0;
    uint64_t n = 0;
    if (!db_->GetIntProperty("rocksdb.estimate-num-keys", &n)) return 0;
    return n;
  }

 private:
  // Writes between two samples of the RocksDB properties.
  static constexpr int64_t kWritesPerSample = 1000;

  absl::Status NotOpen() const {
    return absl::FailedPreconditionError(StrCat("store '", name_, "' is not open"));
  }

  // Java's RocksDB property metrics (INFO; stream-state-metrics, tag
  // rocksdb-state-id). RocksDB is never read from the metrics' reader: the
  // properties are sampled on the task's thread (at open, every
  // kWritesPerSample writes, after each restored batch and at each flush)
  // into Stat::kValue sensors.
  void AddPropertySensors(StateStoreContext& context) {
    StreamsMetrics* m = StoreMetricsAt(context, RecordingLevel::kInfo);
    if (m == nullptr || !property_sensors_.empty()) return;
    MetricTags tags = m->tags();
    tags.emplace_back("rocksdb-state-id", name_);
    static constexpr std::pair<const char*, const char*> kProperties[] = {
        {"estimate-num-keys", "rocksdb.estimate-num-keys"},
        {"size-all-mem-tables", "rocksdb.size-all-mem-tables"},
        {"cur-size-all-mem-tables", "rocksdb.cur-size-all-mem-tables"},
        {"estimate-live-data-size", "rocksdb.estimate-live-data-size"},
        {"live-sst-files-size", "rocksdb.live-sst-files-size"},
        {"estimate-pending-compaction-bytes", "rocksdb.estimate-pending-compaction-bytes"},
        {"num-entries-active-mem-table", "rocksdb.num-entries-active-mem-table"},
    };
    for (const auto& [metric, property] : kProperties) {
      Sensor* sensor =
          m->AddSensor(StrCat("store.", name_, ".", metric), RecordingLevel::kInfo);
      sensor->Add({metric, "stream-state-metrics",
                   StrCat("RocksDB property ", property, " (sampled on the stream thread)"),
                   tags},
                  Stat::kValue);
      property_sensors_.push_back({property, sensor});
    }
  }
  void SampleProperties() {
    writes_until_sample_ = kWritesPerSample;
    if (db_ == nullptr) return;
    for (const auto& [property, sensor] : property_sensors_) {
      uint64_t value = 0;
      if (db_->GetIntProperty(property, &value)) sensor->Record(static_cast<double>(value));
    }
  }
  // Writes must spare open iterators' snapshots (AddWrite).
  bool KeepSnapshots() const {
    return options_.options.inplace_update_support && !iterators_.empty();
  }

  static std::shared_ptr<rocksdb::WriteBatchWithIndex> NewTransaction() {
    // overwrite_key: one index entry per key, which NewIteratorWithBase needs.
    return std::make_shared<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                          /*overwrite_key=*/true);
  }

  void AddUncommitted(std::string_view key, BytesValue value) {
    // WriteBatchWithIndex::Put/Delete fail only past max_bytes (unset).
    const rocksdb::Slice k(key.data(), key.size());
    if (!value) {
      (void)txn_->Delete(k);
    } else {
      (void)txn_->Put(k, rocksdb::Slice(value->data(), value->size()));
    }
  }

  void DropFamilyHandle() {
    if (offsets_ == nullptr) return;
    (void)db_->DestroyColumnFamilyHandle(offsets_);
    offsets_ = nullptr;
  }

  // Opens (or reopens, after Wipe) the instance with options_: with the
  // offset family when keep_offset_ (creating it), else without it
  // (dropping one an exactly-once run left).
  absl::Status Open() {
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
    if (ec) {
      return absl::UnavailableError(StrCat("cannot create directory '", path_.string(),
                                           "': ", ec.message()));
    }
    const std::string what = StrCat("opening store '", name_, "' at '", path_.string(), "'");
    bool with_family = keep_offset_;
    rocksdb::DB* db = nullptr;
    if (!with_family) {
      rocksdb::Status s = rocksdb::DB::Open(options_.options, path_.string(), &db);
      if (s.ok()) {
        db_.reset(db);
        return absl::OkStatus();
      }
      std::vector<std::string> families;
      if (!s.IsInvalidArgument() ||
          !rocksdb::DB::ListColumnFamilies(options_.options, path_.string(), &families).ok() ||
          std::find(families.begin(), families.end(), kOffsetsFamily) == families.end()) {
        return FromRocksDB(s, what);
      }
      with_family = true;
    }
    rocksdb::DBOptions db_options(options_.options);
    db_options.create_missing_column_families = true;
    const rocksdb::ColumnFamilyOptions family_options(options_.options);
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, family_options}, {kOffsetsFamily, family_options}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    KSTREAMS_RETURN_IF_ERROR(FromRocksDB(
        rocksdb::DB::Open(db_options, path_.string(), families, &handles, &db), what));
    db_.reset(db);
    // The default family's handle is the DB's own; closing frees it.
    (void)db_->DestroyColumnFamilyHandle(handles[0]);
    offsets_ = handles[1];
    if (!keep_offset_) {
      // Written outside transactions from now on: the offset would lie.
      rocksdb::Status s = db_->DropColumnFamily(offsets_);
      DropFamilyHandle();
      return FromRocksDB(s, StrCat("dropping the changelog offset of store '", name_, "'"));
    }
    std::string value;
    rocksdb::Status s = db_->Get(read_options_, offsets_, kOffsetKey, &value);
    if (s.ok()) {
      committed_offset_ = DecodeOffset(value);
    } else if (!s.IsNotFound()) {
      return FromRocksDB(s, StrCat("reading the changelog offset of store '", name_, "'"));
    }
    return absl::OkStatus();
  }

  std::string name_;
  std::filesystem::path path_;
  RocksDBStoreOptions options_;  // outlives db_; kept to reopen after Wipe()
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ReadOptions read_options_;
  rocksdb::WriteOptions write_options_;
  RocksDBIteratorRegistry iterators_;
  // RestoreBatch: the index of each key's last record (kept for its capacity).
  absl::flat_hash_map<absl::string_view, size_t> last_of_key_;
  std::vector<size_t> sorted_;  // RestoreBatch: those indices in key order
  bool unflushed_ = false;
  std::vector<std::pair<const char*, Sensor*>> property_sensors_;  // INFO
  int64_t writes_until_sample_ = kWritesPerSample;
  // Transactional stores (exactly_once_v2; BeginTransactions).
  bool keep_offset_ = false;  // RocksDBSettings::transactional
  rocksdb::ColumnFamilyHandle* offsets_ = nullptr;  // kOffsetsFamily when keep_offset_
  std::optional<int64_t> committed_offset_;  // the offset kept there
  // The task's uncommitted writes, from BeginTransactions(); shared with the
  // iterators that read it. nullptr: writes go straight to the DB.
  std::shared_ptr<rocksdb::WriteBatchWithIndex> txn_;
};

}  // namespace

std::unique_ptr<KeyValueBytesStore> NewRocksDBKeyValueBytesStore(std::string name) {
  return std::make_unique<RocksDBKeyValueStore>(std::move(name));
}

}  // namespace internal
}  // namespace kstreams
