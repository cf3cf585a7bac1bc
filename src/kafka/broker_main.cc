// kstreams-broker: runs an EmbeddedKafka (librdkafka's mock cluster) as a
// standalone process, for demos, examples and clients in other languages.
//
//   kstreams-broker [--brokers N] [--port P] [--topic name:partitions]...
//
// Prints the bootstrap servers as one line on stdout once the cluster is up,
// then runs until SIGINT or SIGTERM. See EmbeddedKafka for the mock's limits.
//
// --port P: librdkafka's mock brokers always listen on ephemeral ports, so
// the address would change with every start. With --port the process also
// listens on 127.0.0.1:P and forwards each connection to the first broker,
// and prints "127.0.0.1:P": a bootstrap address that stays the same across
// restarts (clients bootstrap there, then reach the brokers at the
// addresses the cluster's metadata gives).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "kstreams/kafka/embedded_kafka.h"

namespace {

constexpr char kUsage[] =
    "usage: kstreams-broker [--brokers N] [--port P] [--topic name:partitions]...\n"
    "  Runs an in-process Kafka cluster (librdkafka's mock cluster) on loopback,\n"
    "  prints its bootstrap servers on stdout and runs until SIGINT/SIGTERM.\n"
    "  --brokers N               number of brokers, 1..16 (default 1)\n"
    "  --port P                  also serve the bootstrap address 127.0.0.1:P\n"
    "                            (forwarded to the first broker), stable\n"
    "                            across restarts; prints it instead\n"
    "  --topic name:partitions   create a topic with that many partitions\n"
    "                            (repeatable; other topics are auto-created\n"
    "                            with 4 partitions on first use)\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "kstreams-broker: %s\n%s", message.c_str(), kUsage);
  return 2;
}

// Parses a whole decimal number in [min, max]; false otherwise.
bool ParseInt(std::string_view s, int min, int max, int* out) {
  if (s.empty() || s.size() > 9) return false;
  int value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

// Copies bytes from `from` to `to` until either side closes, then shuts
// both down.
void Pump(int from, int to) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
      if (w <= 0) {
        n = -1;
        break;
      }
      off += w;
    }
    if (n < 0) break;
  }
  ::shutdown(from, SHUT_RDWR);
  ::shutdown(to, SHUT_RDWR);
}

// Listens on 127.0.0.1:`port`; returns the socket, or -1 with errno set.
int Listen(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

// Forwards every connection accepted on `listener` to 127.0.0.1:`target`
// (runs until the process exits; each connection gets two pump threads).
void Forward(int listener, int target) {
  for (;;) {
    int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(target));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (upstream < 0 ||
        ::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (upstream >= 0) ::close(upstream);
      ::close(client);
      continue;
    }
    std::thread([client, upstream] {
      std::thread back(Pump, upstream, client);
      Pump(client, upstream);
      back.join();
      ::close(client);
      ::close(upstream);
    }).detach();
  }
}

// The port of the first "host:port" of a bootstrap list.
int FirstPort(const std::string& bootstrap) {
  std::string first = bootstrap.substr(0, bootstrap.find(','));
  return std::atoi(first.substr(first.rfind(':') + 1).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 1;
  int port = 0;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    // Accept both "--flag value" and "--flag=value".
    std::string_view flag = arg;
    std::string_view value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (flag != "--brokers" && flag != "--topic" && flag != "--port") {
      return UsageError("unknown argument '" + std::string(arg) + "'");
    }
    if (!has_value) {
      if (i + 1 >= argc) return UsageError(std::string(flag) + " needs a value");
      value = argv[++i];
    }
    if (flag == "--port") {
      if (!ParseInt(value, 1, 65535, &port)) {
        return UsageError("--port wants a TCP port from 1 to 65535, got '" + std::string(value) +
                          "'");
      }
    } else if (flag == "--brokers") {
      if (!ParseInt(value, 1, 16, &brokers)) {
        return UsageError("--brokers wants a number from 1 to 16, got '" + std::string(value) +
                          "'");
      }
    } else {
      const size_t colon = value.rfind(':');
      int partitions = 0;
      if (colon == std::string_view::npos || colon == 0 ||
          !ParseInt(value.substr(colon + 1), 1, 100000, &partitions)) {
        return UsageError("--topic wants name:partitions (partitions >= 1), got '" +
                          std::string(value) + "'");
      }
      topics.emplace_back(std::string(value.substr(0, colon)), partitions);
    }
  }

  int listener = -1;
  if (port != 0) {
    // Bound before the cluster starts, so a taken port fails fast.
    listener = Listen(port);
    if (listener < 0) {
      std::fprintf(stderr, "kstreams-broker: cannot listen on 127.0.0.1:%d: %s\n", port,
                   std::strerror(errno));
      return 1;
    }
  }

  // Block the signals before librdkafka starts its threads (they inherit the
  // mask), so that only sigwait() below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto kafka = kstreams::EmbeddedKafka::Start(brokers);
  if (!kafka.ok()) {
    std::fprintf(stderr, "kstreams-broker: %s\n", kafka.status().ToString().c_str());
    return 1;
  }
  for (const auto& [name, partitions] : topics) {
    absl::Status s = (*kafka)->CreateTopic(name, partitions);
    if (!s.ok()) {
      std::fprintf(stderr, "kstreams-broker: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  if (listener >= 0) {
    std::thread(Forward, listener, FirstPort((*kafka)->BootstrapServers())).detach();
    std::printf("127.0.0.1:%d\n", port);
  } else {
    std::printf("%s\n", (*kafka)->BootstrapServers().c_str());
  }
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  std::fprintf(stderr, "kstreams-broker: %s received, shutting down\n",
               received == SIGINT ? "SIGINT" : "SIGTERM");
  return 0;
}
