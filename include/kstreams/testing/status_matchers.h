// kstreams/testing/status_matchers.h
//
// GoogleTest helpers for absl::Status and absl::StatusOr<T> (cf. RocksDB's
// test_util/testharness.h), installed with kstreams::testing so a user's
// tests can use them beside TopologyTestDriver. Needs GoogleTest (link your
// test with GTest::gtest).
//
//   KSTREAMS_ASSERT_OK(expr)   fails the test (and returns) unless expr is OK
//   KSTREAMS_EXPECT_OK(expr)   records a failure unless expr is OK
//   KSTREAMS_ASSERT_OK_AND_ASSIGN(lhs, statusor_expr)
//                              asserts OK and moves the value into lhs
// The failure message prints the status.
//
// Thread-compatible (as gtest assertions).
//
// Example:
//
//   #include "kstreams/testing/status_matchers.h"
//   KSTREAMS_ASSERT_OK(input.PipeInput("k", "v", 1));
//   KSTREAMS_ASSERT_OK_AND_ASSIGN(auto store, streams.Store<Q>("counts"));
#ifndef KSTREAMS_TESTING_STATUS_MATCHERS_H_
#define KSTREAMS_TESTING_STATUS_MATCHERS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace kstreams::testing_internal {
inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) { return s.status(); }
}  // namespace kstreams::testing_internal

#define KSTREAMS_ASSERT_OK(expr)                                           \
  do {                                                                     \
    const auto& kstreams_s_ = (expr);                                      \
    ASSERT_TRUE(::kstreams::testing_internal::GetStatus(kstreams_s_).ok()) \
        << ::kstreams::testing_internal::GetStatus(kstreams_s_);           \
  } while (false)
#define KSTREAMS_EXPECT_OK(expr)                                           \
  do {                                                                     \
    const auto& kstreams_s_ = (expr);                                      \
    EXPECT_TRUE(::kstreams::testing_internal::GetStatus(kstreams_s_).ok()) \
        << ::kstreams::testing_internal::GetStatus(kstreams_s_);           \
  } while (false)

// Asserts a StatusOr is OK and moves its value into `lhs`.
#define KSTREAMS_ASSERT_OK_AND_ASSIGN(lhs, rexpr)                              \
  KSTREAMS_ASSERT_OK_AND_ASSIGN_IMPL(                                         \
      KSTREAMS_TEST_CONCAT(kstreams_statusor_, __LINE__), lhs, rexpr)
#define KSTREAMS_TEST_CONCAT_IMPL(a, b) a##b
#define KSTREAMS_TEST_CONCAT(a, b) KSTREAMS_TEST_CONCAT_IMPL(a, b)
#define KSTREAMS_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                       \
  ASSERT_TRUE(tmp.ok()) << tmp.status();                    \
  lhs = std::move(tmp).value()

#endif  // KSTREAMS_TESTING_STATUS_MATCHERS_H_
