// kstreams-schema-registry: the embeddable SchemaRegistry as a process.
//
//   kstreams-schema-registry --bootstrap-servers localhost:9092
//       [--listeners 0.0.0.0:8081] [--topic _schemas]
//       [--leader-election [--advertised-url http://host:8081]]
//
// Without --bootstrap-servers the state is in memory only. Prints
// "LISTENING <url>" once it serves, runs until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <pthread.h>
#include <signal.h>
#include <string>

#include "kstreams/schema/schema_registry.h"

int main(int argc, char** argv) {
  kstreams::SchemaRegistry::Options options;
  options.listeners = "0.0.0.0:8081";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--bootstrap-servers" && has_value) {
      options.bootstrap_servers = argv[++i];
    } else if (arg == "--listeners" && has_value) {
      options.listeners = argv[++i];
    } else if (arg == "--topic" && has_value) {
      options.topic = argv[++i];
    } else if (arg == "--leader-election") {
      options.leader_election = true;
    } else if (arg == "--advertised-url" && has_value) {
      options.advertised_url = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: %s [--bootstrap-servers HOST:PORT] [--listeners HOST:PORT] [--topic _schemas]\n"
                   "       [--leader-election [--advertised-url http://HOST:PORT]]\n",
                   argv[0]);
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  auto registry = kstreams::SchemaRegistry::Start(options);
  if (!registry.ok()) {
    std::fprintf(stderr, "kstreams-schema-registry: %s\n", std::string(registry.status().message()).c_str());
    return 1;
  }
  std::printf("LISTENING http://%s\n", options.listeners.c_str());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  return 0;
}
