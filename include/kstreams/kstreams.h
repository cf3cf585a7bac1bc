// kstreams/kstreams.h: the umbrella header. Includes the whole public API.
#ifndef KSTREAMS_KSTREAMS_H_
#define KSTREAMS_KSTREAMS_H_

#include "kstreams/dsl/consumed.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/named.h"
#include "kstreams/dsl/produced.h"
#include "kstreams/dsl/repartitioned.h"
#include "kstreams/dsl/streams_builder.h"
#include "kstreams/log.h"
#include "kstreams/processor/key_value.h"
#include "kstreams/processor/processor.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/topology.h"
#include "kstreams/processor/topology_description.h"
#include "kstreams/runtime/kafka_streams.h"
#include "kstreams/runtime/topic_creator.h"
#include "kstreams/serde/serde.h"
#include "kstreams/state/key_value_store.h"
#include "kstreams/state/rocksdb_config_setter.h"
#include "kstreams/state/session_store.h"
#include "kstreams/state/state_store.h"
#include "kstreams/state/stores.h"
#include "kstreams/state/timestamped_key_value_store.h"
#include "kstreams/state/value_and_timestamp.h"
#include "kstreams/state/window_store.h"
#include "kstreams/state/windowed.h"
#include "kstreams/status_macros.h"
#include "kstreams/streams_config.h"

#endif  // KSTREAMS_KSTREAMS_H_
