// kstreams/kstreams.h: the umbrella header. Includes the whole public API.
#ifndef KSTREAMS_KSTREAMS_H_
#define KSTREAMS_KSTREAMS_H_

#include "kstreams/dsl/branched.h"
#include "kstreams/dsl/branched_kstream.h"
#include "kstreams/dsl/consumed.h"
#include "kstreams/dsl/kstream.h"
#include "kstreams/dsl/named.h"
#include "kstreams/dsl/printed.h"
#include "kstreams/dsl/produced.h"
#include "kstreams/dsl/repartitioned.h"
#include "kstreams/dsl/streams_builder.h"
#include "kstreams/log.h"
#include "kstreams/processor/key_value.h"
#include "kstreams/processor/processor.h"
#include "kstreams/processor/record.h"
#include "kstreams/processor/topology.h"
#include "kstreams/processor/topology_description.h"
#include "kstreams/serde/serde.h"
#include "kstreams/status_macros.h"
#include "kstreams/streams_config.h"

#endif  // KSTREAMS_KSTREAMS_H_
