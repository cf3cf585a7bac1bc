// The project's tests include the installed matchers through this path
// (kept so existing tests need no edit).
#ifndef KSTREAMS_TESTS_COMMON_STATUS_MATCHERS_H_
#define KSTREAMS_TESTS_COMMON_STATUS_MATCHERS_H_

#include "kstreams/testing/status_matchers.h"

#endif  // KSTREAMS_TESTS_COMMON_STATUS_MATCHERS_H_
