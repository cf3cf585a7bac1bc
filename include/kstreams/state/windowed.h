// kstreams/state/windowed.h
//
// Kept so that existing includes keep compiling: the types moved to
// kstreams/serde/windowed.h (see that header). New code includes that one.
#ifndef KSTREAMS_STATE_WINDOWED_H_
#define KSTREAMS_STATE_WINDOWED_H_

#include "kstreams/serde/windowed.h"

#endif  // KSTREAMS_STATE_WINDOWED_H_
