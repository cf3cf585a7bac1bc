// Helpers for the kafka/ integration tests: client configs for an
// EmbeddedKafka, reading a topic back without a group, running a command or
// a child process.
#ifndef KSTREAMS_TESTS_INTEGRATION_KAFKA_KAFKA_TEST_UTIL_H_
#define KSTREAMS_TESTS_INTEGRATION_KAFKA_KAFKA_TEST_UTIL_H_

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kafka/consumer.h"
#include "kafka/kafka_common.h"
#include "kafka/producer.h"
#include "kstreams/internal/strings.h"
#include "kstreams/status_macros.h"

namespace kstreams::kafka_test {

inline internal::KafkaConfigMap ProducerConfig(const std::string& bootstrap) {
  return {{"bootstrap.servers", bootstrap}, {"linger.ms", "1"}};
}

// A group consumer config with quick session timeouts, reading from the start.
inline internal::KafkaConfigMap GroupConsumerConfig(const std::string& bootstrap,
                                                    const std::string& group) {
  return {{"bootstrap.servers", bootstrap},
          {"group.id", group},
          {"auto.offset.reset", "earliest"},
          {"session.timeout.ms", "3000"},
          {"heartbeat.interval.ms", "500"}};
}

// Reads `count` records from partitions [0, partitions) of `topic` with a
// manually assigned consumer (no group join, so no 3 s wait), in
// partition-then-offset order. Fails after `timeout` (30 s by default: the
// real-Kafka tier shares 2 cores with the other tiers). Reads
// read_committed (librdkafka's default) unless `isolation_level` says
// read_uncommitted.
inline absl::StatusOr<std::vector<internal::ConsumerRecord>> ReadTopic(
    const std::string& bootstrap, const std::string& topic, int partitions, size_t count,
    absl::Duration timeout = absl::Seconds(30),
    const std::string& isolation_level = "read_committed") {
  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap}, {"isolation.level", isolation_level}};
  KSTREAMS_ASSIGN_OR_RETURN(auto consumer, internal::Consumer::Create(std::move(options)));
  std::map<internal::TopicPartition, int64_t> start;
  for (int p = 0; p < partitions; ++p) start[{topic, p}] = internal::kOffsetBeginning;
  KSTREAMS_RETURN_IF_ERROR(consumer->Assign(start));
  std::map<int32_t, std::vector<internal::ConsumerRecord>> by_partition;
  size_t got = 0;
  const absl::Time deadline = absl::Now() + timeout;
  while (got < count && absl::Now() < deadline) {
    KSTREAMS_ASSIGN_OR_RETURN(auto batch, consumer->PollBatch(1000, absl::Milliseconds(100)));
    for (auto& r : batch) {
      by_partition[r.partition].push_back(std::move(r));
      ++got;
    }
  }
  if (got < count) {
    return absl::DeadlineExceededError(internal::StrCat("read ", got, " of ", count,
                                                        " records from ", topic));
  }
  std::vector<internal::ConsumerRecord> out;
  for (auto& [p, records] : by_partition) {
    for (auto& r : records) out.push_back(std::move(r));
  }
  return out;
}

// Reads `topic` (partitions [0, n)) to its end with a group-less consumer
// (read_committed), in the order records arrive. A partition is at its end
// once an end-of-partition event reports an offset past every record read
// from it (the event and the partition's last records can arrive in one
// poll, in either order).
inline absl::StatusOr<std::vector<internal::ConsumerRecord>> ReadToEnd(
    const std::string& bootstrap, const std::string& topic, int n) {
  internal::ConsumerOptions options;
  options.config = {{"bootstrap.servers", bootstrap}, {"enable.partition.eof", "true"}};
  std::map<int32_t, int64_t> eof_at;  // partition -> end offset its last EOF event reported
  options.on_partition_eof = [&](const internal::TopicPartition& tp, int64_t offset) {
    eof_at[tp.partition] = offset;
  };
  KSTREAMS_ASSIGN_OR_RETURN(auto consumer, internal::Consumer::Create(std::move(options)));
  std::map<internal::TopicPartition, int64_t> start;
  for (int p = 0; p < n; ++p) start[{topic, p}] = internal::kOffsetBeginning;
  KSTREAMS_RETURN_IF_ERROR(consumer->Assign(start));
  std::vector<internal::ConsumerRecord> out;
  std::map<int32_t, int64_t> next;  // partition -> offset after the last record read
  auto at_end = [&](int32_t p) {
    auto eof = eof_at.find(p);
    return eof != eof_at.end() && eof->second >= next[p];
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (true) {
    std::string missing;
    for (int p = 0; p < n; ++p) {
      if (!at_end(p)) missing += internal::StrCat(missing.empty() ? "" : ", ", p);
    }
    if (missing.empty()) return out;
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(internal::StrCat("reading ", topic, ": ", out.size(),
                                                          " records in 30 s, partitions ", missing,
                                                          " never reached their end"));
    }
    KSTREAMS_ASSIGN_OR_RETURN(auto batch, consumer->PollBatch(10000, absl::Milliseconds(100)));
    for (auto& r : batch) {
      next[r.partition] = r.offset + 1;
      out.push_back(std::move(r));
    }
  }
}

// A child process whose stdout the test reads line by line; SIGKILLed at
// destruction if still alive.
class ChildProcess {
 public:
  bool Start(const char* path, const std::vector<std::string>& args) {
    // Built before fork(): the child of a threaded process may only make
    // async-signal-safe calls (no allocation) before exec.
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(path));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      execv(path, argv.data());
      _exit(127);
    }
    close(fds[1]);
    stdout_fd_ = fds[0];
    return pid_ > 0;
  }

  // The next stdout line, waiting up to `timeout` for it.
  std::optional<std::string> ReadLine(absl::Duration timeout = absl::Seconds(10)) {
    std::string line;
    const absl::Time deadline = absl::Now() + timeout;
    while (true) {
      const int wait_ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      pollfd p{stdout_fd_, POLLIN, 0};
      if (wait_ms <= 0 || poll(&p, 1, wait_ms) <= 0) return std::nullopt;
      char c;
      if (read(stdout_fd_, &c, 1) != 1) return std::nullopt;
      if (c == '\n') return line;
      line.push_back(c);
    }
  }

  // Sends `sig` and returns the wait status.
  int SignalAndWait(int sig) {
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  ~ChildProcess() {
    if (pid_ > 0) SignalAndWait(SIGKILL);
    if (stdout_fd_ >= 0) close(stdout_fd_);
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

// Runs `command` with /bin/sh and returns its stdout (exit status ignored).
inline std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

}  // namespace kstreams::kafka_test

#endif  // KSTREAMS_TESTS_INTEGRATION_KAFKA_KAFKA_TEST_UTIL_H_
