// The lexer and the recursive-descent parser of kstreams::sql.
//
// Grammar (ksqlDB's, the parts kstreams supports), by precedence from low to
// high for expressions:
//   OR < AND < NOT < comparison, IS [NOT] NULL, [NOT] LIKE/BETWEEN/IN
//   < + - < * / % < unary - < postfix (-> field, [subscript]) < primary.
// Errors throw a ParseError inside this file only; the entry points turn it
// into an absl::Status.
#include "kstreams/sql/parser.h"

#include <cctype>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "kstreams/internal/strings.h"

namespace kstreams::sql {
namespace {

enum class Tok { kIdent, kQuotedIdent, kString, kInteger, kDecimal, kDouble, kSymbol, kEnd };

struct Token {
  Tok type;
  std::string text;  // identifiers: normalized; symbols: as written; strings: unescaped
  std::string raw;   // as written, for messages
  Location loc;
  size_t offset = 0;
  size_t end_offset = 0;
};

struct ParseError {
  Location loc;
  std::string message;
};

[[noreturn]] void Fail(Location loc, std::string message) {
  throw ParseError{loc, std::move(message)};
}

std::vector<Token> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  int line = 1, col = 1;
  auto advance = [&](size_t n) {
    for (size_t k = 0; k < n && i < s.size(); ++k, ++i) {
      if (s[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
  };
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      advance(1);
      continue;
    }
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') advance(1);
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      Location start{line, col};
      advance(2);
      while (i < s.size() && !(s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/')) advance(1);
      if (i >= s.size()) Fail(start, "expected '*/' to close the comment, found the end of input");
      advance(2);
      continue;
    }
    Token t;
    t.loc = {line, col};
    t.offset = i;
    size_t start = i;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '$') {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                              s[i] == '@' || s[i] == '$')) {
        advance(1);
      }
      t.type = Tok::kIdent;
      t.raw = std::string(s.substr(start, i - start));
      t.text = absl::AsciiStrToUpper(t.raw);
    } else if (c == '`' || c == '"') {
      char q = c;
      advance(1);
      std::string text;
      while (true) {
        if (i >= s.size()) {
          Fail(t.loc, ::kstreams::internal::StrCat("expected ", std::string(1, q),
                                   " to close the quoted identifier, found the end of input"));
        }
        if (s[i] == q) {
          if (i + 1 < s.size() && s[i + 1] == q) {
            text += q;
            advance(2);
            continue;
          }
          advance(1);
          break;
        }
        text += s[i];
        advance(1);
      }
      t.type = Tok::kQuotedIdent;
      t.text = text;
      t.raw = std::string(s.substr(start, i - start));
    } else if (c == '\'') {
      advance(1);
      std::string text;
      while (true) {
        if (i >= s.size()) Fail(t.loc, "expected ' to close the string, found the end of input");
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') {
            text += '\'';
            advance(2);
            continue;
          }
          advance(1);
          break;
        }
        text += s[i];
        advance(1);
      }
      t.type = Tok::kString;
      t.text = text;
      t.raw = std::string(s.substr(start, i - start));
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      t.type = Tok::kInteger;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) advance(1);
      if (i < s.size() && s[i] == '.') {
        t.type = Tok::kDecimal;
        advance(1);
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) advance(1);
      }
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
          t.type = Tok::kDouble;
          advance(j - i);
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) advance(1);
        }
      }
      t.text = t.raw = std::string(s.substr(start, i - start));
    } else {
      static const char* const kTwo[] = {"<>", "!=", "<=", ">=", "->", ":=", "=>", "||"};
      t.type = Tok::kSymbol;
      std::string two(s.substr(i, 2));
      bool matched = false;
      for (const char* op : kTwo) {
        if (two == op) {
          t.text = two;
          advance(2);
          matched = true;
          break;
        }
      }
      if (!matched) {
        if (std::string("(),;.*+-/%=<>[]:?").find(c) == std::string::npos) {
          Fail(t.loc, ::kstreams::internal::StrCat("unexpected character '", std::string(1, c), "'"));
        }
        t.text = std::string(1, c);
        advance(1);
      }
      t.raw = t.text;
    }
    t.end_offset = i;
    out.push_back(std::move(t));
  }
  Token end;
  end.type = Tok::kEnd;
  end.loc = {line, col};
  end.offset = end.end_offset = s.size();
  out.push_back(end);
  return out;
}

std::string Describe(const Token& t) {
  switch (t.type) {
    case Tok::kEnd: return "the end of input";
    case Tok::kString: return ::kstreams::internal::StrCat("string ", t.raw);
    default: return ::kstreams::internal::StrCat("'", t.raw, "'");
  }
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), t_(std::move(tokens)) {}

  std::vector<Statement> ParseAll() {
    std::vector<Statement> out;
    while (true) {
      while (IsSymbol(";")) ++p_;
      if (Peek().type == Tok::kEnd) break;
      size_t start = Peek().offset;
      Statement st = ParseStatement();
      size_t end = Peek(-1).end_offset;
      st.text = std::string(text_.substr(start, end - start));
      if (!IsSymbol(";") && Peek().type != Tok::kEnd) {
        Fail(Peek().loc, ::kstreams::internal::StrCat("expected ';' or the end of the statement, found ",
                                      Describe(Peek())));
      }
      out.push_back(std::move(st));
    }
    return out;
  }

  ExprPtr ParseWholeExpression() {
    ExprPtr e = Expr();
    Expect(Tok::kEnd, "the end of the expression");
    return e;
  }

  TypePtr ParseWholeType() {
    TypePtr t = Type();
    Expect(Tok::kEnd, "the end of the type");
    return t;
  }

 private:
  const Token& Peek(int ahead = 0) const {
    size_t i = p_ + ahead;
    if (ahead < 0 && p_ < static_cast<size_t>(-ahead)) return t_[0];
    return t_[std::min(i, t_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = Peek();
    if (p_ < t_.size() - 1) ++p_;
    return t;
  }
  bool IsKeyword(const char* kw, int ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.type == Tok::kIdent && t.text == kw;
  }
  bool IsSymbol(const char* sym, int ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.type == Tok::kSymbol && t.text == sym;
  }
  bool AcceptKeyword(const char* kw) {
    if (!IsKeyword(kw)) return false;
    ++p_;
    return true;
  }
  bool AcceptSymbol(const char* sym) {
    if (!IsSymbol(sym)) return false;
    ++p_;
    return true;
  }
  [[noreturn]] void Expected(const std::string& what) {
    Fail(Peek().loc, ::kstreams::internal::StrCat("expected ", what, ", found ", Describe(Peek())));
  }
  void ExpectKeyword(const char* kw, const std::string& context = "") {
    if (!AcceptKeyword(kw)) Expected(::kstreams::internal::StrCat(kw, context));
  }
  void ExpectSymbol(const char* sym, const std::string& context = "") {
    if (!AcceptSymbol(sym)) Expected(::kstreams::internal::StrCat("'", sym, "'", context));
  }
  void Expect(Tok type, const std::string& what) {
    if (Peek().type != type) Expected(what);
    Next();
  }

  // Words that end a select item or relation and so cannot be an alias.
  static bool IsReserved(const std::string& w) {
    static const std::set<std::string> kReserved = {
        "FROM",  "WHERE", "GROUP", "PARTITION", "HAVING", "EMIT",   "LIMIT",  "WINDOW",
        "JOIN",  "LEFT",  "RIGHT", "FULL",      "INNER",  "OUTER",  "ON",     "WITHIN",
        "AS",    "AND",   "OR",    "NOT",       "SELECT", "CASE",   "WHEN",   "THEN",
        "ELSE",  "END",   "IS",    "NULL",      "LIKE",   "BETWEEN", "IN",    "WITH",
        "CREATE", "TRUE", "FALSE", "BY",        "GRACE",  "ESCAPE"};
    return kReserved.count(w) > 0;
  }

  std::string Identifier(const std::string& what) {
    const Token& t = Peek();
    if (t.type == Tok::kIdent || t.type == Tok::kQuotedIdent) {
      Next();
      return t.text;
    }
    Expected(what);
  }

  Statement ParseStatement() {
    Statement st;
    st.loc = Peek().loc;
    if (AcceptKeyword("CREATE")) {
      if (AcceptKeyword("OR")) {
        ExpectKeyword("REPLACE", " after CREATE OR");
        st.or_replace = true;
      }
      AcceptKeyword("SOURCE");
      if (AcceptKeyword("STREAM")) {
        st.is_table = false;
      } else if (AcceptKeyword("TABLE")) {
        st.is_table = true;
      } else {
        Expected("STREAM or TABLE after CREATE");
      }
      if (AcceptKeyword("IF")) {
        ExpectKeyword("NOT", " after IF");
        ExpectKeyword("EXISTS", " after IF NOT");
        st.if_not_exists = true;
      }
      st.name = Identifier(st.is_table ? "a table name" : "a stream name");
      if (AcceptSymbol("(")) {
        st.kind = Statement::Kind::kCreateSource;
        do {
          TableElement e;
          e.loc = Peek().loc;
          e.name = Identifier("a column name");
          e.type = Type();
          if (AcceptKeyword("PRIMARY")) {
            ExpectKeyword("KEY", " after PRIMARY");
            e.key = e.primary_key = true;
          } else if (AcceptKeyword("KEY")) {
            e.key = true;
          }
          st.elements.push_back(std::move(e));
        } while (AcceptSymbol(","));
        if (!AcceptSymbol(")")) Expected("')' or ',' after a column definition");
      } else {
        st.kind = Statement::Kind::kCreateAsSelect;
      }
      if (AcceptKeyword("WITH")) st.properties = Properties();
      if (AcceptKeyword("AS")) {
        if (st.kind == Statement::Kind::kCreateSource) {
          Fail(Peek(-1).loc, "a CREATE ... AS SELECT statement takes no column list");
        }
        st.query = ParseQuery();
      } else if (st.kind == Statement::Kind::kCreateAsSelect) {
        Expected("'(' with the columns, WITH or AS SELECT");
      }
      return st;
    }
    if (AcceptKeyword("INSERT")) {
      ExpectKeyword("INTO", " after INSERT");
      st.name = Identifier("a stream name");
      if (AcceptSymbol("(")) {
        do {
          st.columns.push_back(Identifier("a column name"));
        } while (AcceptSymbol(","));
        ExpectSymbol(")", " after the column names");
      }
      if (AcceptKeyword("VALUES")) {
        st.kind = Statement::Kind::kInsertValues;
        ExpectSymbol("(", " after VALUES");
        do {
          st.values.push_back(Expr());
        } while (AcceptSymbol(","));
        ExpectSymbol(")", " after the values");
        return st;
      }
      if (!st.columns.empty()) Expected("VALUES after the column names");
      st.kind = Statement::Kind::kInsertInto;
      if (AcceptKeyword("WITH")) st.properties = Properties();
      st.query = ParseQuery();
      return st;
    }
    if (AcceptKeyword("DROP")) {
      st.kind = Statement::Kind::kDrop;
      if (AcceptKeyword("STREAM")) {
        st.is_table = false;
      } else if (AcceptKeyword("TABLE")) {
        st.is_table = true;
      } else {
        Expected("STREAM or TABLE after DROP");
      }
      if (AcceptKeyword("IF")) {
        ExpectKeyword("EXISTS", " after IF");
        st.if_exists = true;
      }
      st.name = Identifier("a source name");
      if (AcceptKeyword("DELETE")) {
        ExpectKeyword("TOPIC", " after DELETE");
        st.delete_topic = true;
      }
      return st;
    }
    if (AcceptKeyword("SHOW") || AcceptKeyword("LIST")) {
      st.kind = Statement::Kind::kShow;
      for (const char* what : {"STREAMS", "TABLES", "QUERIES", "TOPICS", "FUNCTIONS"}) {
        if (AcceptKeyword(what)) {
          st.name = what;
          AcceptKeyword("EXTENDED");
          return st;
        }
      }
      Expected("STREAMS, TABLES, QUERIES, TOPICS or FUNCTIONS");
    }
    if (AcceptKeyword("DESCRIBE")) {
      st.kind = Statement::Kind::kDescribe;
      if (AcceptKeyword("FUNCTION")) {
        st.name = Identifier("a function name");
        st.columns.push_back("FUNCTION");
        return st;
      }
      st.extended = AcceptKeyword("EXTENDED");
      st.name = Identifier("a source name");
      st.extended = AcceptKeyword("EXTENDED") || st.extended;
      return st;
    }
    if (AcceptKeyword("TERMINATE")) {
      st.kind = Statement::Kind::kTerminate;
      st.name = Identifier("a query id or ALL");
      return st;
    }
    if (AcceptKeyword("SET") || IsKeyword("UNSET")) {
      bool unset = AcceptKeyword("UNSET");
      st.kind = unset ? Statement::Kind::kUnset : Statement::Kind::kSet;
      if (Peek().type != Tok::kString) Expected("a quoted property name ('auto.offset.reset')");
      st.name = Peek().text;
      Next();
      if (unset) return st;
      ExpectSymbol("=", " after the property name");
      if (Peek().type != Tok::kString) Expected("a quoted property value");
      Property p;
      p.loc = Peek().loc;
      p.name = st.name;
      p.value = Value::String(Peek().text);
      Next();
      st.properties.push_back(std::move(p));
      return st;
    }
    if (IsKeyword("SELECT")) {
      st.kind = Statement::Kind::kSelect;
      st.query = ParseQuery();
      return st;
    }
    Expected("CREATE, INSERT, DROP, SHOW, LIST, DESCRIBE, TERMINATE, SET, UNSET or SELECT");
  }

  std::vector<Property> Properties() {
    std::vector<Property> out;
    ExpectSymbol("(", " after WITH");
    do {
      Property p;
      p.loc = Peek().loc;
      p.name = absl::AsciiStrToUpper(Identifier("a property name"));
      ExpectSymbol("=", ::kstreams::internal::StrCat(" after ", p.name));
      const Token& v = Peek();
      if (v.type == Tok::kString) {
        p.value = Value::String(v.text);
      } else if (v.type == Tok::kInteger) {
        p.value = Value::Bigint(std::strtoll(v.text.c_str(), nullptr, 10));
      } else if (v.type == Tok::kIdent && (v.text == "TRUE" || v.text == "FALSE")) {
        p.value = Value::Boolean(v.text == "TRUE");
      } else if (v.type == Tok::kDecimal || v.type == Tok::kDouble) {
        p.value = Value::Double(std::strtod(v.text.c_str(), nullptr));
      } else {
        Expected(::kstreams::internal::StrCat("a literal value for ", p.name));
      }
      Next();
      out.push_back(std::move(p));
    } while (AcceptSymbol(","));
    ExpectSymbol(")", " or ',' after a property");
    return out;
  }

  int64_t Duration(const std::string& what) {
    const Token& n = Peek();
    if (n.type != Tok::kInteger) Expected(::kstreams::internal::StrCat("a number for ", what));
    Next();
    int64_t v = std::strtoll(n.text.c_str(), nullptr, 10);
    const Token& u = Peek();
    if (u.type != Tok::kIdent) Expected("a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)");
    std::string unit = u.text;
    if (unit.size() > 1 && unit.back() == 'S') unit.pop_back();
    int64_t f = 0;
    if (unit == "MILLISECOND") f = 1;
    else if (unit == "SECOND") f = 1000;
    else if (unit == "MINUTE") f = 60'000;
    else if (unit == "HOUR") f = 3'600'000;
    else if (unit == "DAY") f = 86'400'000;
    else Expected("a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)");
    Next();
    return v * f;
  }

  Relation ParseRelation() {
    Relation r;
    r.loc = Peek().loc;
    r.name = Identifier("a stream or table name");
    r.alias = r.name;
    if (AcceptKeyword("AS")) {
      r.alias = Identifier("an alias");
    } else if ((Peek().type == Tok::kIdent && !IsReserved(Peek().text)) ||
               Peek().type == Tok::kQuotedIdent) {
      r.alias = Identifier("an alias");
    }
    return r;
  }

  Query ParseQuery() {
    Query q;
    q.loc = Peek().loc;
    ExpectKeyword("SELECT");
    do {
      SelectItem item;
      item.loc = Peek().loc;
      if (AcceptSymbol("*")) {
        item.star = true;
      } else if ((Peek().type == Tok::kIdent || Peek().type == Tok::kQuotedIdent) &&
                 IsSymbol(".", 1) && IsSymbol("*", 2)) {
        item.star = true;
        item.star_qualifier = Identifier("a source name");
        Next();
        Next();
      } else {
        item.expr = Expr();
        if (AcceptKeyword("AS")) {
          item.alias = Identifier("an alias after AS");
        } else if ((Peek().type == Tok::kIdent && !IsReserved(Peek().text)) ||
                   Peek().type == Tok::kQuotedIdent) {
          item.alias = Identifier("an alias");
        }
      }
      q.select.push_back(std::move(item));
    } while (AcceptSymbol(","));
    ExpectKeyword("FROM", " or ',' after the select list");
    q.from = ParseRelation();
    while (true) {
      JoinSpec j;
      j.loc = Peek().loc;
      if (AcceptKeyword("LEFT")) {
        AcceptKeyword("OUTER");
        j.type = JoinSpec::Type::kLeft;
        ExpectKeyword("JOIN", " after LEFT");
      } else if (AcceptKeyword("RIGHT")) {
        AcceptKeyword("OUTER");
        j.type = JoinSpec::Type::kRight;
        ExpectKeyword("JOIN", " after RIGHT");
      } else if (AcceptKeyword("FULL")) {
        AcceptKeyword("OUTER");
        j.type = JoinSpec::Type::kFull;
        ExpectKeyword("JOIN", " after FULL");
      } else if (AcceptKeyword("INNER")) {
        ExpectKeyword("JOIN", " after INNER");
      } else if (!AcceptKeyword("JOIN")) {
        break;
      }
      j.right = ParseRelation();
      if (AcceptKeyword("WITHIN")) {
        if (AcceptSymbol("(")) {
          j.within_before_ms = Duration("WITHIN");
          ExpectSymbol(",", " between the two WITHIN durations");
          j.within_after_ms = Duration("WITHIN");
          ExpectSymbol(")");
        } else {
          j.within_before_ms = j.within_after_ms = Duration("WITHIN");
        }
        if (AcceptKeyword("GRACE")) {
          ExpectKeyword("PERIOD", " after GRACE");
          j.grace_ms = Duration("GRACE PERIOD");
        }
      }
      ExpectKeyword("ON", " after the joined source");
      j.on = Expr();
      q.joins.push_back(std::move(j));
    }
    if (AcceptKeyword("WINDOW")) q.window = Window();
    if (AcceptKeyword("WHERE")) q.where = Expr();
    if (AcceptKeyword("GROUP")) {
      ExpectKeyword("BY", " after GROUP");
      q.group_by = ExprList();
    }
    if (AcceptKeyword("PARTITION")) {
      ExpectKeyword("BY", " after PARTITION");
      q.partition_by = ExprList();
    }
    if (AcceptKeyword("HAVING")) q.having = Expr();
    if (AcceptKeyword("EMIT")) {
      if (AcceptKeyword("CHANGES")) {
        q.emit = Query::Emit::kChanges;
      } else if (AcceptKeyword("FINAL")) {
        q.emit = Query::Emit::kFinal;
      } else {
        Expected("CHANGES or FINAL after EMIT");
      }
    }
    if (AcceptKeyword("LIMIT")) {
      if (Peek().type != Tok::kInteger) Expected("a number after LIMIT");
      q.limit = std::strtoll(Next().text.c_str(), nullptr, 10);
    }
    return q;
  }

  std::vector<ExprPtr> ExprList() {
    std::vector<ExprPtr> out;
    bool paren = false;
    // "GROUP BY (a, b)" is accepted as ksqlDB accepts it.
    if (IsSymbol("(")) {
      size_t save = p_;
      Next();
      std::vector<ExprPtr> list;
      list.push_back(Expr());
      if (IsSymbol(",")) {
        while (AcceptSymbol(",")) list.push_back(Expr());
        ExpectSymbol(")");
        return list;
      }
      p_ = save;
      (void)paren;
    }
    do {
      out.push_back(Expr());
    } while (AcceptSymbol(","));
    return out;
  }

  WindowSpec Window() {
    WindowSpec w;
    w.loc = Peek().loc;
    if (AcceptKeyword("TUMBLING")) {
      w.type = WindowSpec::Type::kTumbling;
      ExpectSymbol("(", " after TUMBLING");
      ExpectKeyword("SIZE", " in a TUMBLING window");
      w.size_ms = w.advance_ms = Duration("SIZE");
    } else if (AcceptKeyword("HOPPING")) {
      w.type = WindowSpec::Type::kHopping;
      ExpectSymbol("(", " after HOPPING");
      ExpectKeyword("SIZE", " in a HOPPING window");
      w.size_ms = Duration("SIZE");
      ExpectSymbol(",", " after the window SIZE");
      ExpectKeyword("ADVANCE", " in a HOPPING window");
      ExpectKeyword("BY", " after ADVANCE");
      w.advance_ms = Duration("ADVANCE BY");
    } else if (AcceptKeyword("SESSION")) {
      w.type = WindowSpec::Type::kSession;
      ExpectSymbol("(", " after SESSION");
      w.size_ms = Duration("the session gap");
    } else {
      Expected("TUMBLING, HOPPING or SESSION after WINDOW");
    }
    while (AcceptSymbol(",")) {
      if (AcceptKeyword("RETENTION")) {
        w.retention_ms = Duration("RETENTION");
      } else if (AcceptKeyword("GRACE")) {
        ExpectKeyword("PERIOD", " after GRACE");
        w.grace_ms = Duration("GRACE PERIOD");
      } else {
        Expected("RETENTION or GRACE PERIOD");
      }
    }
    ExpectSymbol(")", " to close the window");
    return w;
  }

  TypePtr Type() {
    Location loc = Peek().loc;
    const Token& t = Peek();
    if (t.type != Tok::kIdent) Expected("a type");
    std::string n = t.text;
    Next();
    if (n == "BOOLEAN") return SqlType::Boolean();
    if (n == "INT" || n == "INTEGER") return SqlType::Int();
    if (n == "BIGINT") return SqlType::Bigint();
    if (n == "DOUBLE") return SqlType::Double();
    if (n == "STRING" || n == "VARCHAR") return SqlType::String();
    if (n == "BYTES") return SqlType::Bytes();
    if (n == "TIMESTAMP") return SqlType::Timestamp();
    if (n == "DATE") return SqlType::Date();
    if (n == "TIME") return SqlType::Time();
    if (n == "DECIMAL") {
      ExpectSymbol("(", " after DECIMAL");
      if (Peek().type != Tok::kInteger) Expected("the precision of the DECIMAL");
      int precision = std::atoi(Next().text.c_str());
      ExpectSymbol(",", " after the precision");
      if (Peek().type != Tok::kInteger) Expected("the scale of the DECIMAL");
      int scale = std::atoi(Next().text.c_str());
      ExpectSymbol(")", " after the scale");
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        Fail(loc, ::kstreams::internal::StrCat("DECIMAL(", precision, ", ", scale,
                               ") is invalid: precision must be 1..38 and scale 0..precision"));
      }
      return SqlType::Decimal(precision, scale);
    }
    if (n == "ARRAY") {
      ExpectSymbol("<", " after ARRAY");
      TypePtr e = Type();
      ExpectSymbol(">", " to close ARRAY<");
      return SqlType::Array(e);
    }
    if (n == "MAP") {
      ExpectSymbol("<", " after MAP");
      TypePtr k = Type();
      ExpectSymbol(",", " after the MAP key type");
      TypePtr v = Type();
      ExpectSymbol(">", " to close MAP<");
      return SqlType::Map(k, v);
    }
    if (n == "STRUCT") {
      ExpectSymbol("<", " after STRUCT");
      std::vector<SqlType::Field> fields;
      if (!IsSymbol(">")) {
        do {
          std::string name = Identifier("a field name");
          fields.push_back({name, Type()});
        } while (AcceptSymbol(","));
      }
      ExpectSymbol(">", " to close STRUCT<");
      return SqlType::Struct(std::move(fields));
    }
    Fail(loc, ::kstreams::internal::StrCat("unknown type '", t.raw,
                           "': expected BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL, STRING, BYTES, "
                           "TIMESTAMP, DATE, TIME, ARRAY, MAP or STRUCT"));
  }

  // ---- expressions
  static ExprPtr Make(Expression e) { return std::make_shared<const Expression>(std::move(e)); }
  static ExprPtr Binary(Location loc, std::string op, ExprPtr a, ExprPtr b) {
    Expression e;
    e.kind = Expression::Kind::kBinary;
    e.loc = loc;
    e.op = std::move(op);
    e.args = {std::move(a), std::move(b)};
    return Make(std::move(e));
  }

  ExprPtr Expr() { return Or(); }
  ExprPtr Or() {
    ExprPtr left = And();
    while (IsKeyword("OR")) {
      Location loc = Next().loc;
      left = Binary(loc, "OR", left, And());
    }
    return left;
  }
  ExprPtr And() {
    ExprPtr left = Not();
    while (IsKeyword("AND")) {
      Location loc = Next().loc;
      left = Binary(loc, "AND", left, Not());
    }
    return left;
  }
  ExprPtr Not() {
    if (IsKeyword("NOT")) {
      Expression e;
      e.kind = Expression::Kind::kNot;
      e.loc = Next().loc;
      e.args = {Not()};
      return Make(std::move(e));
    }
    return Predicate();
  }
  ExprPtr Predicate() {
    ExprPtr left = Additive();
    while (true) {
      Location loc = Peek().loc;
      for (const char* op : {"=", "<>", "!=", "<", "<=", ">", ">="}) {
        if (AcceptSymbol(op)) {
          std::string o = op;
          if (o == "!=") o = "<>";
          left = Binary(loc, o, left, Additive());
          goto next;
        }
      }
      if (AcceptKeyword("IS")) {
        Expression e;
        e.kind = Expression::Kind::kIsNull;
        e.loc = loc;
        e.negated = AcceptKeyword("NOT");
        ExpectKeyword("NULL", e.negated ? " after IS NOT" : " after IS");
        e.args = {left};
        left = Make(std::move(e));
        continue;
      }
      {
        bool negated = false;
        if (IsKeyword("NOT") &&
            (IsKeyword("LIKE", 1) || IsKeyword("BETWEEN", 1) || IsKeyword("IN", 1))) {
          Next();
          negated = true;
        }
        Expression e;
        e.loc = loc;
        e.negated = negated;
        if (AcceptKeyword("LIKE")) {
          e.kind = Expression::Kind::kLike;
          e.args = {left, Additive()};
          if (AcceptKeyword("ESCAPE")) e.args.push_back(Additive());
        } else if (AcceptKeyword("BETWEEN")) {
          e.kind = Expression::Kind::kBetween;
          ExprPtr low = Additive();
          ExpectKeyword("AND", " in BETWEEN ... AND");
          e.args = {left, low, Additive()};
        } else if (AcceptKeyword("IN")) {
          e.kind = Expression::Kind::kIn;
          ExpectSymbol("(", " after IN");
          e.args = {left};
          do {
            e.args.push_back(Expr());
          } while (AcceptSymbol(","));
          ExpectSymbol(")", " to close the IN list");
        } else {
          return left;
        }
        left = Make(std::move(e));
      }
    next:;
    }
  }
  ExprPtr Additive() {
    ExprPtr left = Multiplicative();
    while (IsSymbol("+") || IsSymbol("-") || IsSymbol("||")) {
      const Token& t = Next();
      std::string op = t.text == "||" ? "CONCAT" : t.text;
      ExprPtr right = Multiplicative();
      if (op == "CONCAT") {
        Expression e;
        e.kind = Expression::Kind::kFunction;
        e.loc = t.loc;
        e.name = "CONCAT";
        e.args = {left, right};
        left = Make(std::move(e));
      } else {
        left = Binary(t.loc, op, left, right);
      }
    }
    return left;
  }
  ExprPtr Multiplicative() {
    ExprPtr left = Unary();
    while (IsSymbol("*") || IsSymbol("/") || IsSymbol("%")) {
      const Token& t = Next();
      left = Binary(t.loc, t.text, left, Unary());
    }
    return left;
  }
  ExprPtr Unary() {
    if (IsSymbol("-")) {
      Location loc = Next().loc;
      ExprPtr inner = Unary();
      // Fold negative literals, so that -2147483648 is an INT.
      if (inner->kind == Expression::Kind::kLiteral && !inner->literal.is_null() &&
          inner->type->IsNumeric()) {
        Expression e = *inner;
        e.loc = loc;
        const Value& v = inner->literal;
        switch (v.kind()) {
          case Value::Kind::kInt: e.literal = Value::Int(static_cast<int32_t>(-v.integer())); break;
          case Value::Kind::kBigint:
            if (v.integer() == 2147483648LL) {
              e.literal = Value::Int(std::numeric_limits<int32_t>::min());
              e.type = SqlType::Int();
            } else {
              e.literal = Value::Bigint(-v.integer());
            }
            break;
          case Value::Kind::kDouble: e.literal = Value::Double(-v.real()); break;
          default: e.literal = Value::Decimal(-v.real(), v.scale()); break;
        }
        return Make(std::move(e));
      }
      Expression e;
      e.kind = Expression::Kind::kNegate;
      e.loc = loc;
      e.args = {inner};
      return Make(std::move(e));
    }
    if (IsSymbol("+")) Next();
    return Postfix();
  }
  ExprPtr Postfix() {
    ExprPtr e = Primary();
    while (true) {
      if (IsSymbol("->")) {
        Location loc = Next().loc;
        Expression d;
        d.kind = Expression::Kind::kDereference;
        d.loc = loc;
        d.name = Identifier("a field name after '->'");
        d.args = {e};
        e = Make(std::move(d));
      } else if (IsSymbol("[")) {
        Location loc = Next().loc;
        Expression s;
        s.kind = Expression::Kind::kSubscript;
        s.loc = loc;
        s.args = {e, Expr()};
        ExpectSymbol("]", " to close the subscript");
        e = Make(std::move(s));
      } else {
        return e;
      }
    }
  }
  static ExprPtr Literal(Location loc, Value v, TypePtr type) {
    Expression e;
    e.kind = Expression::Kind::kLiteral;
    e.loc = loc;
    e.literal = std::move(v);
    e.type = std::move(type);
    return Make(std::move(e));
  }
  ExprPtr Primary() {
    const Token& t = Peek();
    Location loc = t.loc;
    switch (t.type) {
      case Tok::kInteger: {
        Next();
        errno = 0;
        long long v = std::strtoll(t.text.c_str(), nullptr, 10);
        if (errno == ERANGE) Fail(loc, ::kstreams::internal::StrCat("the number ", t.text, " is out of range"));
        if (v <= std::numeric_limits<int32_t>::max()) {
          return Literal(loc, Value::Int(static_cast<int32_t>(v)), SqlType::Int());
        }
        return Literal(loc, Value::Bigint(v), SqlType::Bigint());
      }
      case Tok::kDecimal: {
        Next();
        // ksqlDB: a literal with a point is a DECIMAL of its digits.
        size_t dot = t.text.find('.');
        int scale = static_cast<int>(t.text.size() - dot - 1);
        int precision = 0;
        for (char c : t.text) precision += std::isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
        size_t lead = t.text.find_first_not_of("0.");
        if (lead == std::string::npos) precision = std::max(1, scale);
        else if (lead < dot) precision = static_cast<int>(dot - lead) + scale;
        else precision = std::max(scale, 1);
        return Literal(loc, Value::Decimal(std::strtod(t.text.c_str(), nullptr), scale),
                       SqlType::Decimal(std::max(precision, scale), scale));
      }
      case Tok::kDouble:
        Next();
        return Literal(loc, Value::Double(std::strtod(t.text.c_str(), nullptr)), SqlType::Double());
      case Tok::kString:
        Next();
        return Literal(loc, Value::String(t.text), SqlType::String());
      case Tok::kSymbol:
        if (AcceptSymbol("(")) {
          ExprPtr e = Expr();
          ExpectSymbol(")", " to close the parenthesis");
          return e;
        }
        Expected("an expression");
      case Tok::kEnd:
        Expected("an expression");
      case Tok::kQuotedIdent:
      case Tok::kIdent:
        break;
    }
    if (t.type == Tok::kIdent) {
      if (t.text == "NULL") {
        Next();
        return Literal(loc, Value::Null(), nullptr);
      }
      if (t.text == "TRUE" || t.text == "FALSE") {
        Next();
        return Literal(loc, Value::Boolean(t.text == "TRUE"), SqlType::Boolean());
      }
      if (t.text == "CASE") return Case();
      if (t.text == "CAST" && IsSymbol("(", 1)) {
        Next();
        Next();
        Expression e;
        e.kind = Expression::Kind::kCast;
        e.loc = loc;
        e.args = {Expr()};
        ExpectKeyword("AS", " in CAST(... AS type)");
        e.type = Type();
        ExpectSymbol(")", " to close CAST");
        return Make(std::move(e));
      }
      if (t.text == "ARRAY" && IsSymbol("[", 1)) {
        Next();
        Next();
        Expression e;
        e.kind = Expression::Kind::kArray;
        e.loc = loc;
        if (!IsSymbol("]")) {
          do {
            e.args.push_back(Expr());
          } while (AcceptSymbol(","));
        }
        ExpectSymbol("]", " to close ARRAY[");
        return Make(std::move(e));
      }
      if ((t.text == "MAP" || t.text == "STRUCT") && IsSymbol("(", 1)) {
        bool is_map = t.text == "MAP";
        Next();
        Next();
        Expression e;
        e.kind = is_map ? Expression::Kind::kMap : Expression::Kind::kStruct;
        e.loc = loc;
        if (!IsSymbol(")")) {
          do {
            if (is_map) {
              e.args.push_back(Expr());
            } else {
              e.names.push_back(Identifier("a field name"));
            }
            ExpectSymbol(":=", is_map ? " after the MAP key" : " after the STRUCT field name");
            e.args.push_back(Expr());
          } while (AcceptSymbol(","));
        }
        ExpectSymbol(")", is_map ? " to close MAP(" : " to close STRUCT(");
        return Make(std::move(e));
      }
      if (IsSymbol("(", 1)) {
        Next();
        Next();
        Expression e;
        e.kind = Expression::Kind::kFunction;
        e.loc = loc;
        e.name = t.text;
        if (AcceptSymbol("*")) {
          e.star = true;
        } else if (!IsSymbol(")")) {
          AcceptKeyword("DISTINCT");
          do {
            e.args.push_back(Expr());
          } while (AcceptSymbol(","));
        }
        ExpectSymbol(")", ::kstreams::internal::StrCat(" or ',' in the arguments of ", t.text));
        return Make(std::move(e));
      }
      if (IsReserved(t.text)) Expected("an expression");
    }
    Next();
    Expression e;
    e.kind = Expression::Kind::kColumn;
    e.loc = loc;
    e.name = t.text;
    if (IsSymbol(".") && (Peek(1).type == Tok::kIdent || Peek(1).type == Tok::kQuotedIdent)) {
      Next();
      e.qualifier = e.name;
      e.name = Identifier("a column name");
    }
    return Make(std::move(e));
  }
  ExprPtr Case() {
    Expression e;
    e.kind = Expression::Kind::kCase;
    e.loc = Next().loc;
    ExprPtr operand;
    if (!IsKeyword("WHEN")) operand = Expr();  // simple CASE x WHEN v THEN ...
    if (!IsKeyword("WHEN")) Expected("WHEN in CASE");
    while (AcceptKeyword("WHEN")) {
      ExprPtr cond = Expr();
      if (operand) cond = Binary(cond->loc, "=", operand, cond);
      ExpectKeyword("THEN", " after the WHEN condition");
      e.args.push_back(cond);
      e.args.push_back(Expr());
    }
    if (AcceptKeyword("ELSE")) {
      e.has_else = true;
      e.args.push_back(Expr());
    }
    ExpectKeyword("END", " to close CASE");
    return Make(std::move(e));
  }

  std::string_view text_;
  std::vector<Token> t_;
  size_t p_ = 0;
};

absl::Status ToStatus(const ParseError& e) {
  return absl::InvalidArgumentError(
      ::kstreams::internal::StrCat("line ", e.loc.line, ":", e.loc.column, ": ", e.message));
}

// Runs `parse` on a parser of `text`; a ParseError becomes the Status.
template <typename T, typename F>
absl::StatusOr<T> ParseWith(std::string_view text, F parse) {
  try {
    Parser p(text, Lex(text));
    return parse(p);
  } catch (const ParseError& e) {
    return ToStatus(e);
  }
}

}  // namespace

absl::StatusOr<std::vector<Statement>> ParseStatements(std::string_view text) {
  return ParseWith<std::vector<Statement>>(text, [](Parser& p) { return p.ParseAll(); });
}

absl::StatusOr<ExprPtr> ParseExpression(std::string_view text) {
  return ParseWith<ExprPtr>(text, [](Parser& p) { return p.ParseWholeExpression(); });
}

absl::StatusOr<TypePtr> ParseType(std::string_view text) {
  return ParseWith<TypePtr>(text, [](Parser& p) { return p.ParseWholeType(); });
}

const Property* Statement::FindProperty(const std::string& n) const {
  for (const Property& p : properties) {
    if (p.name == n) return &p;
  }
  return nullptr;
}

std::string Expression::ToString() const {
  auto join = [](const std::vector<ExprPtr>& v, size_t from) {
    std::string out;
    for (size_t i = from; i < v.size(); ++i) ::kstreams::internal::StrAppend(&out, i > from ? ", " : "", v[i]->ToString());
    return out;
  };
  switch (kind) {
    case Kind::kLiteral:
      if (literal.kind() == Value::Kind::kString) return ::kstreams::internal::StrCat("'", literal.str(), "'");
      return literal.is_null() ? "NULL" : literal.ToString();
    case Kind::kColumn: return qualifier.empty() ? name : ::kstreams::internal::StrCat(qualifier, ".", name);
    case Kind::kDereference: return ::kstreams::internal::StrCat(args[0]->ToString(), "->", name);
    case Kind::kSubscript: return ::kstreams::internal::StrCat(args[0]->ToString(), "[", args[1]->ToString(), "]");
    case Kind::kFunction: return ::kstreams::internal::StrCat(name, "(", star ? "*" : join(args, 0), ")");
    case Kind::kNot: return ::kstreams::internal::StrCat("(NOT ", args[0]->ToString(), ")");
    case Kind::kNegate: return ::kstreams::internal::StrCat("-", args[0]->ToString());
    case Kind::kBinary:
      return ::kstreams::internal::StrCat("(", args[0]->ToString(), " ", op, " ", args[1]->ToString(), ")");
    case Kind::kIsNull:
      return ::kstreams::internal::StrCat("(", args[0]->ToString(), negated ? " IS NOT NULL)" : " IS NULL)");
    case Kind::kLike:
      return ::kstreams::internal::StrCat("(", args[0]->ToString(), negated ? " NOT LIKE " : " LIKE ",
                          args[1]->ToString(), ")");
    case Kind::kBetween:
      return ::kstreams::internal::StrCat("(", args[0]->ToString(), negated ? " NOT BETWEEN " : " BETWEEN ",
                          args[1]->ToString(), " AND ", args[2]->ToString(), ")");
    case Kind::kIn:
      return ::kstreams::internal::StrCat("(", args[0]->ToString(), negated ? " NOT IN (" : " IN (", join(args, 1),
                          "))");
    case Kind::kCase: {
      std::string out = "(CASE";
      size_t pairs = (args.size() - (has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) {
        ::kstreams::internal::StrAppend(&out, " WHEN ", args[2 * i]->ToString(), " THEN ",
                        args[2 * i + 1]->ToString());
      }
      if (has_else) ::kstreams::internal::StrAppend(&out, " ELSE ", args.back()->ToString());
      return out + " END)";
    }
    case Kind::kCast:
      return ::kstreams::internal::StrCat("CAST(", args[0]->ToString(), " AS ", type->ToString(), ")");
    case Kind::kArray: return ::kstreams::internal::StrCat("ARRAY[", join(args, 0), "]");
    case Kind::kMap: {
      std::string out = "MAP(";
      for (size_t i = 0; i + 1 < args.size(); i += 2) {
        ::kstreams::internal::StrAppend(&out, i ? ", " : "", args[i]->ToString(), ":=", args[i + 1]->ToString());
      }
      return out + ")";
    }
    case Kind::kStruct: {
      std::string out = "STRUCT(";
      for (size_t i = 0; i < args.size(); ++i) {
        ::kstreams::internal::StrAppend(&out, i ? ", " : "", names[i], ":=", args[i]->ToString());
      }
      return out + ")";
    }
  }
  return "?";
}

}  // namespace kstreams::sql
