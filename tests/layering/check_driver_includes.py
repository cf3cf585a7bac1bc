#!/usr/bin/env python3
"""Checks that the TopologyTestDriver (src/testing/) reaches the task engine
but never the Kafka clients: the closure of the quoted #includes of
src/testing/*.cc (resolved against src/ and include/) may hold no file of
src/kafka/ or include/kstreams/kafka/, and of src/runtime/ only the task
engine's files. A target-level check cannot say this: kstreams::testing links
the one kstreams library, which holds every layer.

Usage: check_driver_includes.py SOURCE_DIR
Prints the offending include chain and exits 1 on a violation.
"""
import os
import re
import sys

# The task engine: what the driver may use of src/runtime/.
TASK_ENGINE = {"runtime/task_core.h", "runtime/task_config.h", "runtime/metrics_registry.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main():
    root = sys.argv[1]
    bases = [os.path.join(root, "src"), os.path.join(root, "include")]
    testing = os.path.join(root, "src", "testing")
    start = [os.path.join("testing", f) for f in sorted(os.listdir(testing)) if f.endswith(".cc")]
    parent = {s: None for s in start}
    queue = list(start)
    errors = []
    while queue:
        rel = queue.pop()
        path = next((os.path.join(b, rel) for b in bases if os.path.isfile(os.path.join(b, rel))),
                    None)
        if path is None:
            continue  # a system or third-party header
        if (rel.startswith("kafka/") or rel.startswith("kstreams/kafka/") or
                (rel.startswith("runtime/") and rel not in TASK_ENGINE)):
            chain, node = [], rel
            while node is not None:
                chain.append(node)
                node = parent[node]
            errors.append(" <- ".join(chain))
            continue
        with open(path, encoding="utf-8") as f:
            for inc in INCLUDE.findall(f.read()):
                if inc not in parent:
                    parent[inc] = rel
                    queue.append(inc)
    for e in errors:
        print("the test driver reaches a Kafka client or the runtime beyond the task engine: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
