// kstreams-connect: runs connectors as Kafka Connect's standalone mode does.
//
//   kstreams-connect standalone worker.properties connector1.properties [connector2.json ...]
//
// Runs until SIGINT/SIGTERM, then stops the tasks (offsets flushed) and exits
// 0; exits 1 when a connector cannot start, 2 on bad arguments.
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "kstreams/connect/standalone_worker.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Usage() {
  std::fprintf(stderr,
               "usage: kstreams-connect standalone worker.properties connector.properties|connector.json ...\n"
               "(distributed mode is not implemented yet)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || std::string(argv[1]) != "standalone") return Usage();
  auto worker_config = kstreams::connect::ReadPropertiesFile(argv[2]);
  if (!worker_config.ok()) {
    std::fprintf(stderr, "kstreams-connect: %s\n", std::string(worker_config.status().message()).c_str());
    return 1;
  }
  auto worker = kstreams::connect::StandaloneWorker::Create(*worker_config);
  if (!worker.ok()) {
    std::fprintf(stderr, "kstreams-connect: bad worker config: %s\n",
                 std::string(worker.status().message()).c_str());
    return 1;
  }
  for (int i = 3; i < argc; ++i) {
    auto config = kstreams::connect::ReadConnectorConfigFile(argv[i]);
    absl::Status s = config.ok() ? (*worker)->AddConnector(*config) : config.status();
    if (!s.ok()) {
      std::fprintf(stderr, "kstreams-connect: connector %s: %s\n", argv[i], std::string(s.message()).c_str());
      (*worker)->Stop();
      return 1;
    }
    std::fprintf(stdout, "started connector from %s\n", argv[i]);
  }
  std::fflush(stdout);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*worker)->Stop();
  for (const auto& t : (*worker)->Status()) {
    if (t.state == kstreams::connect::TaskState::kFailed) {
      std::fprintf(stderr, "task %s-%d failed: %s\n", t.connector.c_str(), t.task,
                   std::string(t.error.message()).c_str());
    }
  }
  return 0;
}
