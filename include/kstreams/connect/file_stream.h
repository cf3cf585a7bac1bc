// kstreams/connect/file_stream.h
//
// The FileStream connectors that ship with Kafka
// (org.apache.kafka.connect.file), with Kafka's semantics:
//
//   FileStreamSourceConnector  file (required here: kstreams does not read
//     stdin), topic (one topic), batch.size (2000). One task; each line
//     (ended by \n, \r or \r\n) becomes a record with a STRING value and no
//     key; source partition {"filename": file}, source offset
//     {"position": byte position after the line}, so a restarted task goes
//     on after the last line whose offset was flushed. A line not yet ended
//     waits for its end. A missing file is waited for.
//   FileStreamSinkConnector  file (required here: no stdout), topics /
//     topics.regex. Appends each record's value, as Java's toString prints
//     it, and a newline; Flush flushes the file.
//
// Both are registered in ConnectorPlugins under their class names (and
// "FileStreamSource" / "FileStreamSink").
//
// Thread-safety: as every connector and task (see connector.h).
#ifndef KSTREAMS_CONNECT_FILE_STREAM_H_
#define KSTREAMS_CONNECT_FILE_STREAM_H_

#include <cstdio>
#include <memory>
#include <string>

#include "kstreams/connect/connector.h"

namespace kstreams::connect {

class FileStreamSourceConnector final : public SourceConnector {
 public:
  static constexpr std::string_view kClassName = "org.apache.kafka.connect.file.FileStreamSourceConnector";
  const ConfigDef& Config() const override;
  absl::Status Start(const ConfigMap& config) override;
  absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int max_tasks) override;
  std::unique_ptr<SourceTask> CreateTask() const override;

 private:
  ConfigMap config_;
};

class FileStreamSinkConnector final : public SinkConnector {
 public:
  static constexpr std::string_view kClassName = "org.apache.kafka.connect.file.FileStreamSinkConnector";
  const ConfigDef& Config() const override;
  absl::Status Start(const ConfigMap& config) override;
  absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int max_tasks) override;
  std::unique_ptr<SinkTask> CreateTask() const override;

 private:
  ConfigMap config_;
};

}  // namespace kstreams::connect

#endif  // KSTREAMS_CONNECT_FILE_STREAM_H_
