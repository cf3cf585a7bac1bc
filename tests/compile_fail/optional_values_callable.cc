// Must not compile (issue 16): a windowed table's ToStream() carries
// std::optional<V> values (deletes are std::nullopt), and a callable taking
// V must fail with an error that says so first. With
// -DKSTREAMS_COMPILE_FAIL_CONTROL the callable takes the optional and the
// file compiles, which shows the failure is the one meant.
// Run by tests/compile_fail/run_compile_fail.cmake (ctest
// compile_fail_optional_values).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "kstreams/kstreams.h"

void WindowedCountsToStream() {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("clicks")
      .GroupByKey()
      .WindowedBy(kstreams::TimeWindows::OfSizeWithNoGrace(std::chrono::seconds(10)))
      .Count()
      .ToStream()
#ifdef KSTREAMS_COMPILE_FAIL_CONTROL
      .Foreach([](const kstreams::Windowed<std::string>&, const std::optional<int64_t>&) {});
#else
      .Foreach([](const kstreams::Windowed<std::string>&, int64_t) {});
#endif
}
