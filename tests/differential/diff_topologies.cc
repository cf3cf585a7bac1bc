#include "differential/diff_topologies.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "kstreams/kstreams.h"

namespace kstreams_diff {
namespace {

using kstreams::KeyValue;
using kstreams::Materialized;
using kstreams::StreamsBuilder;
using kstreams::TopologyTestDriver;
using OS = std::optional<std::string>;
using std::chrono::milliseconds;

// As Java's DiffTopologies.num() and show().
int64_t Num(const OS& v) { return v ? std::stoll(*v) : 0; }
std::string Show(const OS& v) { return v ? *v : "null"; }
std::string Show(const std::optional<OS>& v) { return v && *v ? **v : "null"; }

template <typename T>
std::string ValueToken(const T& value) {
  std::string bytes;
  auto status = kstreams::SerdeFor<T>()->Serialize("", value, bytes);
  if (!status.ok()) return "<unserializable: " + std::string(status.message()) + ">";
  return Token(bytes);
}

// Keys of every store are std::optional<std::string> (never null in a store).
template <typename V>
StoreDump Kv(std::string name) {
  return [name](TopologyTestDriver& driver, const std::vector<std::string>&,
                std::vector<std::string>& lines) {
    auto* store = driver.GetTimestampedKeyValueStore<OS, V>(name);
    if (store == nullptr) {
      lines.push_back("missing-kv-store " + name);
      return;
    }
    for (auto it = store->All(); it.Valid(); it.Next()) {
      lines.push_back("kv " + name + " " + Token(it.key()) + " " + ValueToken(it.value().value()) +
                      " " + std::to_string(it.value().timestamp()));
    }
  };
}

template <typename V>
StoreDump Window(std::string name) {
  return [name](TopologyTestDriver& driver, const std::vector<std::string>&,
                std::vector<std::string>& lines) {
    auto* store = driver.GetTimestampedWindowStore<OS, V>(name);
    if (store == nullptr) {
      lines.push_back("missing-window-store " + name);
      return;
    }
    for (auto it = store->All(); it.Valid(); it.Next()) {
      const auto& w = it.key();
      lines.push_back("win " + name + " " + Token(w.key) + " " +
                      std::to_string(w.window.start()) + " " + std::to_string(w.window.end()) +
                      " " + ValueToken(it.value().value()) + " " +
                      std::to_string(it.value().timestamp()));
    }
  };
}

template <typename V>
StoreDump Session(std::string name) {
  return [name](TopologyTestDriver& driver, const std::vector<std::string>& keys,
                std::vector<std::string>& lines) {
    auto* store = driver.GetSessionStore<OS, V>(name);
    if (store == nullptr) {
      lines.push_back("missing-session-store " + name);
      return;
    }
    for (const std::string& key : keys) {
      for (auto it = store->Fetch(OS(key)); it.Valid(); it.Next()) {
        const auto& w = it.key();
        lines.push_back("sess " + name + " " + Token(w.key) + " " +
                        std::to_string(w.window.start()) + " " +
                        std::to_string(w.window.end()) + " " + ValueToken(it.value()));
      }
    }
  };
}

kstreams::KStream<OS, OS> In(StreamsBuilder& b, const std::string& topic) {
  return b.Stream<OS, OS>(topic);
}

template <typename V>
Materialized<OS, V> As(std::string name) {
  return Materialized<OS, V>::As(std::move(name));
}

std::vector<DiffTopology> Build() {
  std::vector<DiffTopology> all;
  auto add = [&all](std::string name, std::vector<std::string> inputs,
                    std::function<void(StreamsBuilder&)> body, std::vector<StoreDump> stores = {}) {
    all.push_back(DiffTopology{std::move(name), std::move(inputs),
                               [body] {
                                 StreamsBuilder b;
                                 body(b);
                                 return b.Build();
                               },
                               std::move(stores)});
  };
  // Aggregations on streams.
  add("stream_count", {"in"}, [](StreamsBuilder& b) {
    In(b, "in").GroupByKey().Count(As<int64_t>("counts")).ToStream().To("out");
  }, {Kv<int64_t>("counts")});
  add("stream_reduce", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupByKey()
        .Reduce([](const OS& a, const OS& v) -> OS { return std::to_string(Num(a) + Num(v)); },
                As<OS>("reduced"))
        .ToStream()
        .To("out");
  }, {Kv<OS>("reduced")});
  add("stream_aggregate", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupByKey()
        .Aggregate([] { return int64_t{0}; },
                   [](const OS&, const OS& v, int64_t agg) { return agg * 3 + Num(v); },
                   As<int64_t>("agg"))
        .ToStream()
        .To("out");
  }, {Kv<int64_t>("agg")});
  add("repartition_count", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupBy([](const OS&, const OS& v) -> OS { return "g" + std::to_string(Num(v) % 3); })
        .Count(As<int64_t>("rcounts"))
        .ToStream()
        .To("out");
  }, {Kv<int64_t>("rcounts")});

  // Aggregations on tables, with subtractors.
  add("table_aggregate", {"tin"}, [](StreamsBuilder& b) {
    b.Table<OS, std::string>("tin", As<std::string>("tsrc"))
        .GroupBy([](const OS&, const std::string& v) {
          return KeyValue<OS, std::string>{"g" + std::to_string(Num(v) % 3), v};
        })
        .Aggregate([] { return int64_t{0}; },
                   [](const OS&, const std::string& v, int64_t agg) { return agg + Num(v); },
                   [](const OS&, const std::string& v, int64_t agg) { return agg - Num(v); },
                   As<int64_t>("tagg"))
        .ToStream()
        .To("out");
  }, {Kv<std::string>("tsrc"), Kv<int64_t>("tagg")});
  add("table_count", {"tin"}, [](StreamsBuilder& b) {
    b.Table<OS, std::string>("tin")
        .GroupBy([](const OS&, const std::string& v) {
          return KeyValue<OS, std::string>{"g" + std::to_string(Num(v) % 2), v};
        })
        .Count(As<int64_t>("tcount"))
        .ToStream()
        .To("out");
  }, {Kv<int64_t>("tcount")});

  // Time windows.
  add("tumbling_count", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupByKey()
        .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(milliseconds(10), milliseconds(5)))
        .Count(As<int64_t>("wcounts"))
        .ToStream()
        .To("out");
  }, {Window<int64_t>("wcounts")});
  add("hopping_count", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupByKey()
        .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(milliseconds(10), milliseconds(3))
                        .AdvanceBy(milliseconds(4)))
        .Count(As<int64_t>("hcounts"))
        .ToStream()
        .To("out");
  }, {Window<int64_t>("hcounts")});
  add("suppress_final", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupByKey()
        .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(milliseconds(10), milliseconds(3)))
        .Count(As<int64_t>("scounts"))
        .Suppress(kstreams::Suppressed::UntilWindowCloses(kstreams::BufferConfig::Unbounded()))
        .ToStream()
        .To("out");
  }, {Window<int64_t>("scounts")});
  add("emit_on_close", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupByKey()
        .WindowedBy(kstreams::TimeWindows::OfSizeAndGrace(milliseconds(10), milliseconds(3)))
        .EmitStrategy(kstreams::EmitStrategy::OnWindowClose())
        .Count(As<int64_t>("ecounts"))
        .ToStream()
        .To("out");
  }, {Window<int64_t>("ecounts")});
  add("sliding_count", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupByKey()
        .WindowedBy(
            kstreams::SlidingWindows::OfTimeDifferenceAndGrace(milliseconds(5), milliseconds(3)))
        .Count(As<int64_t>("slcounts"))
        .ToStream()
        .To("out");
  }, {Window<int64_t>("slcounts")});
  add("session_count", {"in"}, [](StreamsBuilder& b) {
    In(b, "in")
        .GroupByKey()
        .WindowedBy(
            kstreams::SessionWindows::OfInactivityGapAndGrace(milliseconds(5), milliseconds(3)))
        .Count(As<int64_t>("secounts"))
        .ToStream()
        .To("out");
  }, {Session<int64_t>("secounts")});

  // Cogroup: two streams into one aggregate.
  add("cogroup", {"in", "in2"}, [](StreamsBuilder& b) {
    auto one = In(b, "in").GroupByKey();
    auto two = In(b, "in2").GroupByKey();
    one.Cogroup<int64_t>([](const OS&, const OS& v, int64_t agg) { return agg + Num(v); })
        .Cogroup(two, [](const OS&, const OS& v, int64_t agg) { return agg * 2 - Num(v); })
        .Aggregate([] { return int64_t{1}; }, As<int64_t>("cog"))
        .ToStream()
        .To("out");
  }, {Kv<int64_t>("cog")});

  // Joins.
  const auto ss_windows =
      kstreams::JoinWindows::OfTimeDifferenceAndGrace(milliseconds(5), milliseconds(3));
  add("ss_inner", {"left", "right"}, [ss_windows](StreamsBuilder& b) {
    auto left = In(b, "left");
    auto right = In(b, "right");
    left.Join(right, [](const OS& l, const OS& r) { return Show(l) + "+" + Show(r); }, ss_windows)
        .To("out");
  });
  add("ss_left", {"left", "right"}, [ss_windows](StreamsBuilder& b) {
    auto left = In(b, "left");
    auto right = In(b, "right");
    left.LeftJoin(right,
                  [](const OS& l, const std::optional<OS>& r) { return Show(l) + "+" + Show(r); },
                  ss_windows)
        .To("out");
  });
  add("ss_outer", {"left", "right"}, [ss_windows](StreamsBuilder& b) {
    auto left = In(b, "left");
    auto right = In(b, "right");
    left.OuterJoin(right,
                   [](const std::optional<OS>& l, const std::optional<OS>& r) {
                     return Show(l) + "+" + Show(r);
                   },
                   ss_windows)
        .To("out");
  });
  add("st_inner", {"s", "t"}, [](StreamsBuilder& b) {
    auto s = In(b, "s");
    auto t = b.Table<OS, std::string>("t", As<std::string>("tstore"));
    s.Join(t, [](const OS& v, const std::string& tv) { return Show(v) + "/" + tv; }).To("out");
  }, {Kv<std::string>("tstore")});
  add("st_left", {"s", "t"}, [](StreamsBuilder& b) {
    auto s = In(b, "s");
    auto t = b.Table<OS, std::string>("t", As<std::string>("tstore"));
    s.LeftJoin(t, [](const OS& v, const OS& tv) { return Show(v) + "/" + Show(tv); }).To("out");
  }, {Kv<std::string>("tstore")});
  auto tables = [](StreamsBuilder& b) {
    auto l = b.Table<OS, std::string>("tl", As<std::string>("tl-store"));
    auto r = b.Table<OS, std::string>("tr", As<std::string>("tr-store"));
    return std::make_pair(l, r);
  };
  const std::vector<StoreDump> tt_stores = {Kv<std::string>("tl-store"),
                                            Kv<std::string>("tr-store"), Kv<std::string>("tt")};
  add("tt_inner", {"tl", "tr"}, [tables](StreamsBuilder& b) {
    auto [l, r] = tables(b);
    l.Join(r, [](const std::string& lv, const std::string& rv) { return lv + "&" + rv; },
           As<std::string>("tt"))
        .ToStream()
        .To("out");
  }, tt_stores);
  add("tt_left", {"tl", "tr"}, [tables](StreamsBuilder& b) {
    auto [l, r] = tables(b);
    l.LeftJoin(r, [](const std::string& lv, const OS& rv) { return lv + "&" + Show(rv); },
               As<std::string>("tt"))
        .ToStream()
        .To("out");
  }, tt_stores);
  add("tt_outer", {"tl", "tr"}, [tables](StreamsBuilder& b) {
    auto [l, r] = tables(b);
    l.OuterJoin(r, [](const OS& lv, const OS& rv) { return Show(lv) + "&" + Show(rv); },
                As<std::string>("tt"))
        .ToStream()
        .To("out");
  }, tt_stores);
  const std::vector<StoreDump> fk_stores = {Kv<std::string>("tl-store"),
                                            Kv<std::string>("tr-store"), Kv<std::string>("fk")};
  auto fk = [](const std::string& v) -> OS { return "k" + std::to_string(Num(v) % 4); };
  add("fk_inner", {"tl", "tr"}, [tables, fk](StreamsBuilder& b) {
    auto [l, r] = tables(b);
    l.Join(r, fk, [](const std::string& lv, const std::string& rv) { return lv + "/" + rv; },
           As<std::string>("fk"))
        .ToStream()
        .To("out");
  }, fk_stores);
  add("fk_left", {"tl", "tr"}, [tables, fk](StreamsBuilder& b) {
    auto [l, r] = tables(b);
    l.LeftJoin(r, fk, [](const std::string& lv, const OS& rv) { return lv + "/" + Show(rv); },
               As<std::string>("fk"))
        .ToStream()
        .To("out");
  }, fk_stores);
  auto global_key = [](const OS&, const OS& v) -> OS { return "k" + std::to_string(Num(v) % 4); };
  add("global_inner", {"s", "g"}, [global_key](StreamsBuilder& b) {
    auto g = b.GlobalTable<OS, std::string>("g", As<std::string>("gstore"));
    In(b, "s")
        .Join(g, global_key, [](const OS& v, const std::string& gv) { return Show(v) + "/" + gv; })
        .To("out");
  }, {Kv<std::string>("gstore")});
  add("global_left", {"s", "g"}, [global_key](StreamsBuilder& b) {
    auto g = b.GlobalTable<OS, std::string>("g", As<std::string>("gstore"));
    In(b, "s")
        .LeftJoin(g, global_key,
                  [](const OS& v, const OS& gv) { return Show(v) + "/" + Show(gv); })
        .To("out");
  }, {Kv<std::string>("gstore")});
  return all;
}

}  // namespace

std::string Token(const std::optional<std::string>& bytes) {
  if (!bytes) return "null";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "x";
  for (unsigned char c : *bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

const std::vector<DiffTopology>& AllTopologies() {
  static const std::vector<DiffTopology> all = Build();
  return all;
}

}  // namespace kstreams_diff
