// The run loop the test applications (tests/apps/*_app.cc) share: starts
// `streams`, prints "running" once it is RUNNING (the test waits for that
// line), runs until SIGTERM/SIGINT or ERROR, then closes it cleanly.
#ifndef KSTREAMS_TESTS_APPS_APP_RUNNER_H_
#define KSTREAMS_TESTS_APPS_APP_RUNNER_H_

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "kstreams/kstreams.h"

namespace kstreams::test_apps {

inline std::atomic<bool> stop_requested{false};

// Returns main()'s exit code: 1 when Start() fails (`app` names the program
// in the message) or the client ended in ERROR, else 0. `after_close` runs
// once the client is closed.
inline int RunUntilSignalled(const char* app, KafkaStreams& streams,
                             const std::function<void()>& after_close = {}) {
  std::signal(SIGTERM, [](int) { stop_requested = true; });
  std::signal(SIGINT, [](int) { stop_requested = true; });
  if (absl::Status s = streams.Start(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", app, std::string(s.message()).c_str());
    return 1;
  }
  bool announced = false;
  while (!stop_requested && streams.state() != KafkaStreams::State::kError) {
    if (!announced && streams.state() == KafkaStreams::State::kRunning) {
      std::printf("running\n");
      std::fflush(stdout);
      announced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  streams.Close(absl::Seconds(30));
  if (after_close) after_close();
  return streams.state() == KafkaStreams::State::kError ? 1 : 0;
}

}  // namespace kstreams::test_apps

#endif  // KSTREAMS_TESTS_APPS_APP_RUNNER_H_
