// A user's program built against the installed package: runs a one-node
// topology through the installed TopologyTestDriver and prints the result.
// It also includes the installed status matchers (KSTREAMS_ASSERT_OK).
#include <iostream>

#include "kstreams/kstreams.h"
#include "kstreams/testing/status_matchers.h"  // installed with kstreams::testing
#include "kstreams/testing/topology_test_driver.h"

int main() {
  kstreams::StreamsBuilder builder;
  builder.Stream<std::string, std::string>("in")
      .MapValues([](const std::string& v) {
        std::string up = v;
        for (char& c : up) c = static_cast<char>(std::toupper(c));
        return up;
      })
      .To("out");
  kstreams::TopologyTestDriver driver(builder.Build(), {}, 0);
  auto in = driver.CreateInputTopic<std::string, std::string>("in");
  auto out = driver.CreateOutputTopic<std::string, std::string>("out");
  if (!in.PipeInput("k", "hello").ok()) return 1;
  std::cout << out.ReadValue().value_or("<none>") << "\n";
  return 0;
}
