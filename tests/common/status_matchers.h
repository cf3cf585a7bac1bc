// gtest helpers for absl::Status (cf. RocksDB test_util/testharness.h).
#ifndef KSTREAMS_TESTS_COMMON_STATUS_MATCHERS_H_
#define KSTREAMS_TESTS_COMMON_STATUS_MATCHERS_H_

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

#endif  // KSTREAMS_TESTS_COMMON_STATUS_MATCHERS_H_
