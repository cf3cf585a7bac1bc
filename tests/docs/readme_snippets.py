#!/usr/bin/env python3
"""Turns every ```c++ block of README.md into one translation unit, so the
build checks that the README's examples compile as written.

Usage: readme_snippets.py README.md OUT.cc

A block that defines a function or a TEST stays at namespace scope; any
other block is a run of statements (local classes allowed) and becomes the
body of its own function, which provides what such fragments assume around
them: `builder` (a StreamsBuilder) and `streams` (a KafkaStreams), and a
Status return for KSTREAMS_RETURN_IF_ERROR. #include lines are hoisted.
The few names the README uses without defining them (WordCount(), which
another block defines; Order and Describe of the global-table example) are
declared in the prelude. Nothing else is added: no using-declarations.
"""
import re
import sys

PRELUDE = """// Generated from README.md by tests/docs/readme_snippets.py; do not edit.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kstreams/kstreams.h"

// What the README's fragments refer to without defining.
kstreams::Topology WordCount();
struct Order {
  std::string product_id;
};
std::string Describe(const Order& order, const std::string& product);
"""

FUNCTION_DEF = re.compile(r"^[A-Za-z_][\w:<>,\s*&]*\s[\w:]+\([^;]*\)\s*(const\s*)?\{\s*$")


def blocks(text):
    out, current = [], None
    for line in text.splitlines():
        if current is None:
            if line.strip() in ("```c++", "```cpp"):
                current = []
        elif line.strip() == "```":
            out.append(current)
            current = None
        else:
            current.append(line)
    return out


def main():
    readme, out_path = sys.argv[1], sys.argv[2]
    with open(readme, encoding="utf-8") as f:
        found = blocks(f.read())
    if not found:
        sys.exit(f"{readme}: no ```c++ blocks found")
    includes, units = [], []
    for i, block in enumerate(found, 1):
        body = []
        for line in block:
            (includes if line.startswith("#include") else body).append(line)
        namespace_scope = any(l.startswith("TEST(") or FUNCTION_DEF.match(l) for l in body)
        text = "\n".join(body)
        if namespace_scope:
            units.append(f"// README block {i}\n{text}\n")
        else:
            indented = "\n".join(("    " + l) if l else l for l in body)
            units.append(
                f"// README block {i}\n"
                f"absl::Status ReadmeBlock{i}([[maybe_unused]] kstreams::StreamsBuilder& builder,\n"
                f"                           [[maybe_unused]] kstreams::KafkaStreams& streams) {{\n"
                f"  {{\n{indented}\n  }}\n  return absl::OkStatus();\n}}\n")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(PRELUDE)
        for inc in dict.fromkeys(includes):
            f.write(inc + "\n")
        f.write("\n" + "\n".join(units))


if __name__ == "__main__":
    main()
