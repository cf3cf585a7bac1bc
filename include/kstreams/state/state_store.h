// kstreams/state/state_store.h
//
// Kept so that existing includes keep compiling: the types moved to
// kstreams/processor/state_store.h (see that header). New code includes that one.
#ifndef KSTREAMS_STATE_STATE_STORE_H_
#define KSTREAMS_STATE_STATE_STORE_H_

#include "kstreams/processor/state_store.h"

#endif  // KSTREAMS_STATE_STATE_STORE_H_
