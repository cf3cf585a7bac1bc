// The suppression buffer (Java's InMemoryTimeOrderedKeyValueChangeBuffer):
// a map ordered by (buffer time, key) plus an index from key to its time;
// keys changed since the last commit are logged at the next FlushCache, in
// the order they were first changed, as their V3 entry or a tombstone.
#include <limits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "kstreams/internal/big_endian.h"
#include "kstreams/internal/strings.h"
#include "kstreams/state/internal/store_metrics.h"
#include "kstreams/state/internal/suppression_buffer.h"

namespace kstreams::internal {
namespace {

constexpr int32_t kNull = -1;
constexpr int32_t kSameAsPrior = -2;

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct Buffered {
  std::optional<std::string> prior;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  BufferedContext context;

  // Java's computeRecordSize: key + buffer time + values + context.
  int64_t SizeBytes(std::string_view key) const {
    int64_t size = 8 + static_cast<int64_t>(key.size());
    if (prior) size += static_cast<int64_t>(prior->size());
    if (old_value && old_value != prior) size += static_cast<int64_t>(old_value->size());
    if (new_value) size += static_cast<int64_t>(new_value->size());
    size += 8 + 8 + static_cast<int64_t>(context.topic.size()) + 4;
    for (const Header& h : context.headers) {
      size += static_cast<int64_t>(h.key.size() + (h.value ? h.value->size() : 0));
    }
    return size;
  }
};

std::optional<std::string> Copy(BytesValue v) {
  if (!v) return std::nullopt;
  return std::string(*v);
}

void AppendSized(std::string& out, const std::optional<std::string>& bytes) {
  if (!bytes) {
    AppendInt32BigEndian(out, kNull);
    return;
  }
  AppendInt32BigEndian(out, static_cast<int32_t>(bytes->size()));
  out.append(*bytes);
}

// The V3 changelog value of one entry.
std::string Encode(const Buffered& b, int64_t time) {
  std::string out;
  AppendInt64BigEndian(out, b.context.timestamp);
  AppendInt64BigEndian(out, b.context.offset);
  AppendSized(out, b.context.topic);
  AppendInt32BigEndian(out, b.context.partition);
  AppendInt32BigEndian(out, static_cast<int32_t>(b.context.headers.size()));
  for (const Header& h : b.context.headers) {
    AppendSized(out, h.key);
    AppendSized(out, h.value);
  }
  AppendSized(out, b.prior);
  if (b.old_value && b.old_value == b.prior) {
    AppendInt32BigEndian(out, kSameAsPrior);
  } else {
    AppendSized(out, b.old_value);
  }
  AppendSized(out, b.new_value);
  AppendInt64BigEndian(out, time);
  return out;
}

// Reads a V3 value; false when it is truncated or malformed.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool Int64(int64_t* v) {
    if (data_.size() < 8) return false;
    *v = ReadInt64BigEndian(data_);
    data_.remove_prefix(8);
    return true;
  }
  bool Int32(int32_t* v) {
    if (data_.size() < 4) return false;
    *v = ReadInt32BigEndian(data_);
    data_.remove_prefix(4);
    return true;
  }
  // `length` bytes (kNull: none).
  bool Bytes(int32_t length, std::optional<std::string>* out) {
    if (length == kNull) {
      out->reset();
      return true;
    }
    if (length < 0 || data_.size() < static_cast<size_t>(length)) return false;
    out->emplace(data_.substr(0, static_cast<size_t>(length)));
    data_.remove_prefix(static_cast<size_t>(length));
    return true;
  }
  bool Sized(std::optional<std::string>* out) {
    int32_t length = 0;
    return Int32(&length) && Bytes(length, out);
  }
  bool done() const { return data_.empty(); }

 private:
  std::string_view data_;
};

bool Decode(std::string_view value, Buffered* b, int64_t* time) {
  Reader r(value);
  std::optional<std::string> topic;
  int32_t headers = 0;
  if (!r.Int64(&b->context.timestamp) || !r.Int64(&b->context.offset) || !r.Sized(&topic) ||
      !topic || !r.Int32(&b->context.partition) || !r.Int32(&headers)) {
    return false;
  }
  b->context.topic = *std::move(topic);
  // -1: no headers (older writers).
  for (int32_t i = 0; i < headers; ++i) {
    std::optional<std::string> key, header_value;
    if (!r.Sized(&key) || !key || !r.Sized(&header_value)) return false;
    b->context.headers.Add(*std::move(key), std::move(header_value));
  }
  int32_t old_length = 0;
  if (!r.Sized(&b->prior) || !r.Int32(&old_length)) return false;
  if (old_length == kSameAsPrior) {
    b->old_value = b->prior;
  } else if (!r.Bytes(old_length, &b->old_value)) {
    return false;
  }
  return r.Sized(&b->new_value) && r.Int64(time) && r.done();
}

class InMemorySuppressionBuffer final : public SuppressionBuffer {
 public:
  InMemorySuppressionBuffer(std::string name, bool logging)
      : name_(std::move(name)), logging_(logging) {
    version_headers_.Add("v", std::string(1, '\x03'));
  }

  const std::string& name() const override { return name_; }
  absl::Status Init(StateStoreContext& context) override {
    if (logging_) {
      sink_ = context.changelog_sink(name_);
      context.RegisterRestore(name_, this);
    }
    // DEBUG: Java records both after each buffer change.
    size_sensor_ = StoreAvgMaxSensor(context, "in-memory-suppression", name_,
                                     "suppression-buffer-size", "size of the buffer (bytes)");
    count_sensor_ = StoreAvgMaxSensor(context, "in-memory-suppression", name_,
                                      "suppression-buffer-count", "number of buffered records");
    open_ = true;
    return absl::OkStatus();
  }
  // Java logs the buffer at commit: every key changed since the last one.
  absl::Status FlushCache() override {
    for (const std::string& key : dirty_order_) {
      if (sink_ == nullptr) break;
      auto it = index_.find(AbslView(key));
      if (it == index_.end()) {
        sink_->Log(key, std::nullopt, last_time_);
        continue;
      }
      const Buffered& b = sorted_.at({it->second, key});
      sink_->LogWithHeaders(key, std::string_view(Encode(b, it->second)), b.context.timestamp,
                            version_headers_);
    }
    dirty_order_.clear();
    dirty_.clear();
    return absl::OkStatus();
  }
  absl::Status Flush() override { return FlushCache(); }
  absl::Status Close() override {
    open_ = false;
    return Wipe();
  }
  absl::Status Wipe() override {
    sorted_.clear();
    index_.clear();
    dirty_.clear();
    dirty_order_.clear();
    size_bytes_ = 0;
    return absl::OkStatus();
  }
  bool persistent() const override { return false; }
  bool is_open() const override { return open_; }

  void Put(int64_t time, std::string_view key, BytesValue new_value, BytesValue old_value,
           BufferedContext context) override {
    Buffered b;
    b.old_value = Copy(old_value);
    b.new_value = Copy(new_value);
    b.context = std::move(context);
    last_time_ = b.context.timestamp;
    auto it = index_.find(AbslView(key));
    // The prior value is what downstream saw before the key was first buffered.
    b.prior = it == index_.end() ? b.old_value : sorted_.at({it->second, std::string(key)}).prior;
    CleanPut(time, key, std::move(b));
    MarkDirty(key);
    RecordSize();
  }

  void EvictWhile(const std::function<bool()>& predicate,
                  const std::function<void(const BufferEviction&)>& emit) override {
    while (!sorted_.empty() && predicate()) {
      auto it = sorted_.begin();
      const std::string& key = it->first.second;
      const Buffered& b = it->second;
      BytesValue new_value, old_value;
      if (b.new_value) new_value = *b.new_value;
      if (b.old_value) old_value = *b.old_value;
      emit(BufferEviction{key, new_value, old_value, &b.context});
      size_bytes_ -= b.SizeBytes(key);
      MarkDirty(key);
      index_.erase(AbslView(key));
      sorted_.erase(it);
    }
    RecordSize();
  }

  int64_t min_timestamp() const override {
    return sorted_.empty() ? std::numeric_limits<int64_t>::max() : sorted_.begin()->first.first;
  }
  int64_t num_records() const override { return static_cast<int64_t>(sorted_.size()); }
  int64_t buffer_size_bytes() const override { return size_bytes_; }
  void RecordSize() {
    if (size_sensor_ != nullptr) size_sensor_->Record(static_cast<double>(size_bytes_));
    if (count_sensor_ != nullptr) count_sensor_->Record(static_cast<double>(sorted_.size()));
  }

  absl::Status RestoreBatch(std::span<const ChangelogRecord> records) override {
    for (const ChangelogRecord& r : records) {
      if (!r.value) {
        auto it = index_.find(AbslView(r.key));
        if (it != index_.end()) {
          auto entry = sorted_.find({it->second, std::string(r.key)});
          size_bytes_ -= entry->second.SizeBytes(r.key);
          sorted_.erase(entry);
          index_.erase(it);
        }
        continue;
      }
      Buffered b;
      int64_t time = 0;
      if (!Decode(*r.value, &b, &time)) {
        return absl::DataLossError(StrCat(
            "suppression buffer '", name_, "': changelog record at offset ", r.offset,
            " is not a V3 buffer entry (", r.value->size(), " bytes)"));
      }
      CleanPut(time, r.key, std::move(b));
    }
    return absl::OkStatus();
  }

 private:
  // Writes an entry; a key already buffered keeps its buffer time.
  void CleanPut(int64_t time, std::string_view key, Buffered b) {
    auto [it, inserted] = index_.try_emplace(AbslView(key), time);
    std::pair<int64_t, std::string> sort_key{it->second, std::string(key)};
    if (!inserted) size_bytes_ -= sorted_.at(sort_key).SizeBytes(key);
    size_bytes_ += b.SizeBytes(key);
    sorted_.insert_or_assign(std::move(sort_key), std::move(b));
  }
  void MarkDirty(std::string_view key) {
    if (!logging_) return;
    if (dirty_.insert(std::string(key)).second) dirty_order_.emplace_back(key);
  }

  std::string name_;
  bool logging_;
  bool open_ = false;
  Sensor* size_sensor_ = nullptr;   // DEBUG only
  Sensor* count_sensor_ = nullptr;  // DEBUG only
  ChangelogSink* sink_ = nullptr;
  Headers version_headers_;
  std::map<std::pair<int64_t, std::string>, Buffered> sorted_;
  absl::flat_hash_map<std::string, int64_t> index_;  // key -> buffer time
  absl::flat_hash_set<std::string> dirty_;
  std::vector<std::string> dirty_order_;
  int64_t size_bytes_ = 0;
  int64_t last_time_ = 0;  // timestamp for tombstones: the latest buffered record's
};

}  // namespace

std::unique_ptr<SuppressionBuffer> NewInMemorySuppressionBuffer(std::string name, bool logging) {
  return std::make_unique<InMemorySuppressionBuffer>(std::move(name), logging);
}

}  // namespace kstreams::internal
