#include "kstreams/connect/file_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::connect {
namespace {

using ::kstreams::internal::StrCat;

class FileStreamSourceTask final : public SourceTask {
 public:
  ~FileStreamSourceTask() override { Close(); }

  absl::Status Start(const ConfigMap& config) override {
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, FileStreamSourceConnector().Config().Parse(config));
    file_ = *parsed.GetString("file");
    topic_ = *parsed.GetString("topic");
    batch_size_ = parsed.GetInt("batch.size");
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<SourceRecord>> Poll() override {
    std::vector<SourceRecord> records;
    if (fd_ < 0) {
      fd_ = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) {
        // Kafka's task waits for the file to appear.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return records;
      }
      position_ = 0;
      std::optional<Value> offset = context_->offset_storage_reader().Offset(Partition());
      if (offset) {
        const Map* m = offset->get_if<Map>();
        const Value* pos = m ? MapGet(*m, Value("position")) : nullptr;
        if (pos == nullptr || !pos->is<int64_t>()) {
          return absl::DataLossError(StrCat("Offset position is the incorrect type for ", file_));
        }
        position_ = *pos->get_if<int64_t>();
        if (::lseek(fd_, position_, SEEK_SET) < 0) {
          return absl::InternalError(StrCat("cannot seek to ", position_, " in ", file_));
        }
      }
      buffer_.clear();
    }
    char chunk[8192];
    while (static_cast<int>(records.size()) < batch_size_) {
      // Lines already in the buffer first.
      while (static_cast<int>(records.size()) < batch_size_) {
        std::optional<std::string> line = ExtractLine();
        if (!line) break;
        records.push_back(Record(std::move(*line)));
      }
      if (static_cast<int>(records.size()) >= batch_size_) break;
      ssize_t n = ::read(fd_, chunk, sizeof(chunk));
      if (n < 0) return absl::InternalError(StrCat("error reading ", file_));
      if (n == 0) break;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    if (records.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return records;
  }

  void Stop() override { Close(); }

 private:
  Value Partition() const { return StringMap({{"filename", file_}}); }

  // The next complete line; `position_` moves past its terminator. A \r at
  // the very end of the buffer waits: it may be the start of \r\n.
  std::optional<std::string> ExtractLine() {
    for (size_t i = 0; i < buffer_.size(); ++i) {
      char c = buffer_[i];
      if (c == '\n' || c == '\r') {
        size_t end = i + 1;
        if (c == '\r') {
          if (i + 1 >= buffer_.size()) return std::nullopt;
          if (buffer_[i + 1] == '\n') end = i + 2;
        }
        std::string line = buffer_.substr(0, i);
        buffer_.erase(0, end);
        position_ += static_cast<int64_t>(end);
        return line;
      }
    }
    return std::nullopt;
  }

  SourceRecord Record(std::string line) const {
    SourceRecord r;
    r.source_partition = Partition();
    r.source_offset = StringMap({{"position", position_}});
    r.topic = topic_;
    r.value_schema = Schema::String();
    r.value = Value(std::move(line));
    return r;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::string file_, topic_;
  int batch_size_ = 2000;
  int fd_ = -1;
  int64_t position_ = 0;
  std::string buffer_;
};

class FileStreamSinkTask final : public SinkTask {
 public:
  ~FileStreamSinkTask() override { Stop(); }
  absl::Status Start(const ConfigMap& config) override {
    KSTREAMS_ASSIGN_OR_RETURN(ParsedConfig parsed, FileStreamSinkConnector().Config().Parse(config));
    file_ = *parsed.GetString("file");
    out_ = std::fopen(file_.c_str(), "a");
    if (out_ == nullptr) return absl::NotFoundError(StrCat("Couldn't find or create file '", file_, "' for FileStreamSinkTask"));
    return absl::OkStatus();
  }
  absl::Status Put(std::vector<SinkRecord> records) override {
    for (const SinkRecord& r : records) {
      std::string line = r.value.ToString() + "\n";
      if (std::fwrite(line.data(), 1, line.size(), out_) != line.size()) {
        return absl::InternalError(StrCat("error writing to ", file_));
      }
    }
    return absl::OkStatus();
  }
  absl::Status Flush(const std::map<TopicPartition, int64_t>&) override {
    if (out_ != nullptr && std::fflush(out_) != 0) return absl::InternalError(StrCat("error flushing ", file_));
    return absl::OkStatus();
  }
  void Stop() override {
    if (out_ != nullptr) std::fclose(out_);
    out_ = nullptr;
  }

 private:
  std::string file_;
  FILE* out_ = nullptr;
};

}  // namespace

const ConfigDef& FileStreamSourceConnector::Config() const {
  static const ConfigDef* def = [] {
    auto* d = new ConfigDef();
    d->DefineRequired("file", ConfigType::kString, Importance::kHigh,
                      "Source filename (kstreams does not read stdin).", ConfigDef::NonEmptyString())
        .DefineRequired("topic", ConfigType::kString, Importance::kHigh, "The topic to publish data to",
                        [](const ConfigValue& v) -> std::string {
                          auto* s = std::get_if<std::string>(&v);
                          if (s == nullptr || s->empty()) return "String must be non-empty";
                          if (s->find(',') != std::string::npos) {
                            return "'topic' in FileStreamSourceConnector configuration requires definition of a single topic";
                          }
                          return "";
                        })
        .Define("batch.size", ConfigType::kInt, "2000", Importance::kLow,
                "The maximum number of records the source task can read from the file each time it is polled",
                ConfigDef::AtLeast(1));
    return d;
  }();
  return *def;
}

absl::Status FileStreamSourceConnector::Start(const ConfigMap& config) {
  KSTREAMS_RETURN_IF_ERROR(Config().Parse(config).status());
  config_ = config;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ConfigMap>> FileStreamSourceConnector::TaskConfigs(int) {
  ConfigMap task;
  for (const char* k : {"file", "topic", "batch.size"}) {
    auto it = config_.find(k);
    if (it != config_.end()) task[k] = it->second;
  }
  return std::vector<ConfigMap>{task};  // one task: a file has one reader
}

std::unique_ptr<SourceTask> FileStreamSourceConnector::CreateTask() const {
  return std::make_unique<FileStreamSourceTask>();
}

const ConfigDef& FileStreamSinkConnector::Config() const {
  static const ConfigDef* def = [] {
    auto* d = new ConfigDef();
    d->DefineRequired("file", ConfigType::kString, Importance::kHigh,
                      "Destination filename (kstreams does not write stdout).", ConfigDef::NonEmptyString());
    return d;
  }();
  return *def;
}

absl::Status FileStreamSinkConnector::Start(const ConfigMap& config) {
  KSTREAMS_RETURN_IF_ERROR(Config().Parse(config).status());
  config_ = config;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ConfigMap>> FileStreamSinkConnector::TaskConfigs(int max_tasks) {
  std::vector<ConfigMap> configs;
  for (int i = 0; i < max_tasks; ++i) configs.push_back({{"file", config_.at("file")}});
  return configs;
}

std::unique_ptr<SinkTask> FileStreamSinkConnector::CreateTask() const {
  return std::make_unique<FileStreamSinkTask>();
}

void RegisterBuiltinConnectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    ConnectorPlugins::Register(std::string(FileStreamSourceConnector::kClassName),
                               [] { return std::make_unique<FileStreamSourceConnector>(); });
    ConnectorPlugins::Register(std::string(FileStreamSinkConnector::kClassName),
                               [] { return std::make_unique<FileStreamSinkConnector>(); });
  });
}

}  // namespace kstreams::connect
