// kstreams/processor/topic_partition.h
//
// Kept so that existing includes keep compiling: the types moved to
// kstreams/topic_partition.h (see that header). New code includes that one.
#ifndef KSTREAMS_PROCESSOR_TOPIC_PARTITION_H_
#define KSTREAMS_PROCESSOR_TOPIC_PARTITION_H_

#include "kstreams/topic_partition.h"

#endif  // KSTREAMS_PROCESSOR_TOPIC_PARTITION_H_
