// kstreams-sql: runs ksqlDB statements on kstreams::sql::Engine, from a
// file (--file queries.sql) or typed at a prompt. Persistent queries run on
// the embedded broker (started here, its address printed) or on
// --bootstrap-servers, until the program is stopped (Ctrl-C, "exit;").
//
//   kstreams-sql                                  REPL on an embedded broker
//   kstreams-sql --bootstrap-servers host:9092    REPL on a cluster
//   kstreams-sql --file q.sql [--no-wait]         run a file; --no-wait exits after it
//   --verbose                                     the runtime's INFO log too (default: warnings)
//
// A push query (SELECT ... EMIT CHANGES) prints its rows as they come, until
// its LIMIT or Ctrl-C; a pull query (SELECT ... FROM table WHERE ...) prints
// the table's current rows.
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

#include "kstreams/kafka/embedded_kafka.h"
#include "kstreams/log.h"
#include "kstreams/runtime/topic_creator.h"
#include "kstreams/sql/engine.h"
#include "kstreams/sql/parser.h"
#include "kstreams/sql/push_query.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

// A table's rule line: +----+-----+.
void PrintRule(const std::vector<size_t>& width) {
  std::cout << "+";
  for (size_t w : width) std::cout << std::string(w + 2, '-') << "+";
  std::cout << "\n";
}

// A table's row: | a  | b   |; a cell wider than its column widens it.
void PrintCells(const std::vector<size_t>& width, const std::vector<std::string>& row) {
  std::cout << "|";
  for (size_t i = 0; i < width.size(); ++i) {
    std::string c = i < row.size() ? row[i] : "";
    std::cout << " " << c << std::string(c.size() < width[i] ? width[i] - c.size() : 0, ' ') << " |";
  }
  std::cout << "\n";
}

void PrintTable(const kstreams::sql::StatementResult& r) {
  if (r.header.empty()) {
    if (!r.message.empty()) std::cout << " " << r.message << "\n";
    return;
  }
  std::vector<size_t> width(r.header.size(), 0);
  for (size_t i = 0; i < r.header.size(); ++i) width[i] = r.header[i].size();
  for (const auto& row : r.rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  auto line = [&]() { PrintRule(width); };
  auto cells = [&](const std::vector<std::string>& row) { PrintCells(width, row); };
  line();
  cells(r.header);
  line();
  for (const auto& row : r.rows) cells(row);
  line();
}

// Runs a push query, printing each row as it comes (a header first, then a
// line per row, cells as wide as the header's or wider) until its LIMIT or
// Ctrl-C. False on error.
bool RunPush(kstreams::sql::Engine& engine, const std::string& text) {
  auto query = engine.StartPushQuery(text);
  if (!query.ok()) {
    std::cout << " Error: " << query.status().message() << "\n";
    return false;
  }
  std::vector<size_t> width;
  for (const auto& c : (*query)->columns()) width.push_back(std::max<size_t>(c.name.size(), 12));
  auto line = [&]() { PrintRule(width); };
  auto cells = [&](const std::vector<std::string>& row) {
    PrintCells(width, row);
    std::cout << std::flush;
  };
  std::vector<std::string> header;
  for (const auto& c : (*query)->columns()) header.push_back(c.name);
  line();
  cells(header);
  line();
  std::cout << std::flush;
  g_stop = 0;
  while (!g_stop) {
    std::optional<kstreams::sql::Row> row = (*query)->Next(absl::Milliseconds(200));
    if (row) {
      std::vector<std::string> text_row;
      for (const auto& v : *row) text_row.push_back(v.ToString());
      cells(text_row);
    } else if ((*query)->done()) {
      std::cout << "Limit Reached\n";
      break;
    }
  }
  g_stop = 0;
  (*query)->Stop();
  std::cout << "Query terminated\n";
  return true;
}

// Runs `text` statement by statement, printing each result; stops at the
// first error, which it prints. False on error.
bool Run(kstreams::sql::Engine& engine, const std::string& text) {
  auto statements = kstreams::sql::ParseStatements(text);
  if (!statements.ok()) {
    std::cout << " Error: " << statements.status().message() << "\n";
    return false;
  }
  for (const auto& st : *statements) {
    if (st.kind == kstreams::sql::Statement::Kind::kSelect &&
        st.query->emit != kstreams::sql::Query::Emit::kNone) {
      if (!RunPush(engine, st.text)) return false;
      continue;
    }
    auto results = engine.Execute(st.text);
    if (!results.ok()) {
      std::cout << " Error: " << results.status().message() << "\n";
      return false;
    }
    for (const auto& r : *results) PrintTable(r);
  }
  return true;
}

bool Complete(const std::string& buffer) {
  // A statement ends with ';' outside quotes.
  bool in_single = false, in_back = false, in_double = false;
  char last = 0;
  for (char c : buffer) {
    if (c == '\'' && !in_back && !in_double) in_single = !in_single;
    else if (c == '`' && !in_single && !in_double) in_back = !in_back;
    else if (c == '"' && !in_single && !in_back) in_double = !in_double;
    if (!std::isspace(static_cast<unsigned char>(c))) last = c;
  }
  return !in_single && !in_back && !in_double && last == ';';
}

}  // namespace

int main(int argc, char** argv) {
  std::string bootstrap, file, state_dir;
  bool no_wait = false, verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--bootstrap-servers") bootstrap = next();
    else if (a == "--file") file = next();
    else if (a == "--state-dir") state_dir = next();
    else if (a == "--no-wait") no_wait = true;
    else if (a == "--verbose") verbose = true;
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: kstreams-sql [--bootstrap-servers host:port] [--file queries.sql [--no-wait]] "
                   "[--state-dir dir] [--verbose]\n";
      return 0;
    } else {
      std::cerr << "unknown argument " << a << " (try --help)\n";
      return 2;
    }
  }
  // The query threads' state changes would interleave with the prompt.
  if (!verbose) kstreams::SetLogLevel(kstreams::LogLevel::kWarning);
  std::unique_ptr<kstreams::EmbeddedKafka> broker;
  if (bootstrap.empty()) {
    auto b = kstreams::EmbeddedKafka::Start(1);
    if (!b.ok()) {
      std::cerr << "cannot start the embedded broker: " << b.status() << "\n";
      return 1;
    }
    broker = std::move(*b);
    bootstrap = broker->BootstrapServers();
    std::cout << "Embedded broker at " << bootstrap << "\n";
  }
  kstreams::sql::Engine::Options options;
  options.streams_config["bootstrap.servers"] = bootstrap;
  if (state_dir.empty()) state_dir = "/tmp/kstreams-sql-" + std::to_string(::getpid());
  options.streams_config["state.dir"] = state_dir;
  // The embedded broker has no CreateTopics API: sources, sinks and the
  // queries' internal topics are created through it directly.
  std::unique_ptr<kstreams::ScopedTopicCreator> creator;
  if (broker) {
    creator = std::make_unique<kstreams::ScopedTopicCreator>(
        bootstrap, [b = broker.get()](std::string_view topic, int32_t partitions) {
          return b->CreateTopic(topic, partitions);
        });
  }
  kstreams::sql::Engine engine(std::move(options));
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "cannot read " << file << "\n";
      return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    bool ok = Run(engine, ss.str());
    if (!ok || no_wait || engine.Queries().empty()) {
      engine.Close();
      return ok ? 0 : 1;
    }
    std::cout << "Queries running; Ctrl-C stops them.\n";
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    engine.Close();
    return 0;
  }

  std::cout << "kstreams-sql: ksqlDB statements end with ';'. Type 'exit;' or Ctrl-D to leave.\n";
  std::string buffer, line;
  while (!g_stop) {
    std::cout << (buffer.empty() ? "ksql> " : "   -> ") << std::flush;
    if (!std::getline(std::cin, line)) break;
    buffer += line + "\n";
    if (!Complete(buffer)) continue;
    std::string trimmed = buffer;
    trimmed.erase(0, trimmed.find_first_not_of(" \t\n"));
    if (trimmed.rfind("exit", 0) == 0 || trimmed.rfind("quit", 0) == 0 ||
        trimmed.rfind("EXIT", 0) == 0 || trimmed.rfind("QUIT", 0) == 0) {
      break;
    }
    Run(engine, buffer);
    buffer.clear();
  }
  std::cout << "\n";
  engine.Close();
  return 0;
}
