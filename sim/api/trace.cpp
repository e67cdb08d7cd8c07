#include "sim/api/trace.h"

#include <charconv>
#include <cstring>

namespace ballot {

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::Start:
      return "start";
    case EventKind::Send:
      return "send";
    case EventKind::Deliver:
      return "deliver";
    case EventKind::Drop:
      return "drop";
    case EventKind::Timer:
      return "timer";
    case EventKind::Role:
      return "role";
    case EventKind::Fault:
      return "fault";
    case EventKind::Crash:
      return "crash";
    case EventKind::Restart:
      return "restart";
    case EventKind::Pause:
      return "pause";
    case EventKind::Resume:
      return "resume";
    case EventKind::Clock:
      return "clock";
    case EventKind::Note:
      return "note";
    case EventKind::Record:
      return "record";
    case EventKind::ClientInvoke:
      return "invoke";
    case EventKind::ClientReturn:
      return "return";
    case EventKind::Caption:
      return "caption";
    case EventKind::Job:
      return "job";
    case EventKind::Id:
      return "id";
    case EventKind::Arm:
      return "arm";
    case EventKind::Cancel:
      return "cancel";
  }
  return "?";
}

std::string node_name(NodeId id) {
  if (id == kNoNode) return "-";
  // Appending (rather than "n" + ...) sidesteps GCC 12's false -Wrestrict at -O2 (bug 105329).
  std::string name(1, 'n');
  name += std::to_string(id + 1);
  return name;
}

namespace {
// Nodes appear 1-based in traces (n3 is 3); 0 means none.
int64_t node_number(NodeId id) {
  return id == kNoNode ? 0 : int64_t{id} + 1;
}

void write_op(const lin::Op& op, bool completion, FieldSink& sink) {
  sink.put_int("client", op.process);
  sink.put_str("f", lin::op_kind_name(op.kind));
  sink.put_str("key", op.key);
  if (op.expected) sink.put_str("expected", *op.expected);
  if (completion) sink.put_str("outcome", lin::outcome_name(op.outcome));
  if (op.value) sink.put_str("value", *op.value);
}
}  // namespace

// Long on purpose: one case per event kind, in the order of docs/trace-format.md's table.
void write_event_fields(const TraceEvent& ev, FieldSink& sink) {
  sink.put_int("t", ev.time_us);
  sink.put_str("k", event_kind_name(ev.kind));
  if (ev.node != kNoNode) sink.put_int("n", node_number(ev.node));
  switch (ev.kind) {
    case EventKind::Send:
      sink.put_int("to", node_number(ev.peer));
      sink.put_int("id", static_cast<int64_t>(ev.msg_id));
      sink.put_str("type", ev.payload->type());
      sink.begin_obj("msg");
      ev.payload->fields(sink);
      sink.end_obj();
      break;
    case EventKind::Deliver:
      sink.put_int("from", node_number(ev.peer));
      sink.put_int("id", static_cast<int64_t>(ev.msg_id));
      sink.put_str("type", ev.payload->type());
      if (ev.duplicate) sink.put_bool("dup", true);
      break;
    case EventKind::Drop:
      sink.put_int("from", node_number(ev.peer));
      sink.put_int("id", static_cast<int64_t>(ev.msg_id));
      sink.put_str("type", ev.payload->type());
      sink.put_str("reason", ev.text);
      if (ev.duplicate) sink.put_bool("dup", true);
      break;
    case EventKind::Timer:
      sink.put_int("tag", static_cast<int64_t>(ev.tag));
      break;
    case EventKind::Role:
      sink.put_str("role", role_name(ev.role));
      sink.put_int("epoch", ev.epoch);
      sink.put_int("leader", node_number(ev.leader));
      break;
    case EventKind::Fault:
      sink.put_int("fault", static_cast<int64_t>(ev.tag));
      sink.put_str("kind", ev.text);
      sink.put_str("phase", ev.phase);
      if (ev.payload) {
        sink.begin_obj("detail");
        ev.payload->fields(sink);
        sink.end_obj();
      }
      break;
    case EventKind::Crash:
    case EventKind::Restart:
    case EventKind::Pause:
    case EventKind::Resume:
    case EventKind::Start:
      if (!ev.text.empty()) sink.put_str("why", ev.text);
      break;
    case EventKind::Clock:
      if (ev.payload) {
        sink.begin_obj("detail");
        ev.payload->fields(sink);
        sink.end_obj();
      }
      break;
    case EventKind::Note:
    case EventKind::Caption:
      sink.put_str("text", ev.text);
      break;
    case EventKind::Record:
      sink.put_str("type", ev.payload->type());
      sink.begin_obj("fact");
      ev.payload->fields(sink);
      sink.end_obj();
      break;
    case EventKind::ClientInvoke:
    case EventKind::ClientReturn:
      sink.put_int("op", static_cast<int64_t>(ev.op_id));
      write_op(*ev.op, ev.kind == EventKind::ClientReturn, sink);
      // invoke: the node the request was sent to; return: the node that answered, and its epoch.
      if (ev.peer != kNoNode) {
        sink.put_int("node", node_number(ev.peer));
        if (ev.kind == EventKind::ClientReturn) sink.put_int("epoch", ev.epoch);
      }
      break;
    case EventKind::Job:
      sink.put_int("period", static_cast<int64_t>(ev.tag));
      break;
    case EventKind::Id:
      sink.put_int("id", static_cast<int64_t>(ev.tag));
      break;
    case EventKind::Arm:
      sink.put_int("tag", static_cast<int64_t>(ev.tag));
      sink.put_int("due", ev.due_us);
      break;
    case EventKind::Cancel:
      sink.put_int("tag", static_cast<int64_t>(ev.tag));
      break;
  }
}

// ---- hash ----

namespace {
class HashSink final : public FieldSink {
 public:
  explicit HashSink(uint64_t& h) : h_(h) {}
  void put_int(std::string_view, int64_t value) override {
    mix(1);
    mix(static_cast<uint64_t>(value));
  }
  void put_str(std::string_view, std::string_view value) override {
    mix(2 | (static_cast<uint64_t>(value.size()) << 8));
    size_t i = 0;
    for (; i + 8 <= value.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, value.data() + i, 8);
      mix(w);
    }
    uint64_t tail = 0;
    for (size_t shift = 0; i < value.size(); ++i, shift += 8)
      tail |= static_cast<uint64_t>(static_cast<unsigned char>(value[i])) << shift;
    mix(tail);
  }
  void put_bool(std::string_view, bool value) override { mix(value ? 4 : 3); }
  void begin_list(std::string_view) override { mix(5); }
  void end_list() override { mix(6); }
  void begin_obj(std::string_view) override { mix(7); }
  void end_obj() override { mix(8); }
  void word(uint64_t w) { mix(w); }

 private:
  // A multiply-xorshift step: cheap, and every input bit reaches every output bit in two steps.
  void mix(uint64_t w) {
    h_ = (h_ ^ w) * 0x9e3779b97f4a7c15ULL;
    h_ ^= h_ >> 32;
  }
  uint64_t& h_;
};
}  // namespace

// The event envelope is folded directly, in a fixed binary layout; only payload fields (a
// message's, a fact's, a fault's details) go through the FieldSink interface. This is the hot
// path of every run, so it avoids formatting and virtual calls where it can.
void TraceHasher::add(const TraceEvent& ev) {
  ++events_;
  if (ev.kind == EventKind::Caption) return;  // presentation, not part of the run
  ++hashed_;
  HashSink sink(h_);
  sink.word(static_cast<uint64_t>(ev.time_us));
  sink.word(static_cast<uint64_t>(ev.kind) | (static_cast<uint64_t>(node_number(ev.node)) << 8));
  switch (ev.kind) {
    case EventKind::Send:
    case EventKind::Deliver:
    case EventKind::Drop:
      sink.word(static_cast<uint64_t>(node_number(ev.peer)) | (ev.duplicate ? 1ULL << 62 : 0));
      sink.word(ev.msg_id);
      sink.put_str("", ev.payload->type());
      if (ev.kind == EventKind::Send) ev.payload->fields(sink);
      if (ev.kind == EventKind::Drop) sink.put_str("", ev.text);
      break;
    case EventKind::Timer:
    case EventKind::Job:
    case EventKind::Id:
    case EventKind::Cancel:
      sink.word(ev.tag);
      break;
    case EventKind::Arm:
      sink.word(ev.tag);
      sink.word(static_cast<uint64_t>(ev.due_us));
      break;
    case EventKind::Role:
      sink.word(static_cast<uint64_t>(ev.role));
      sink.word(static_cast<uint64_t>(ev.epoch));
      sink.word(static_cast<uint64_t>(node_number(ev.leader)));
      break;
    case EventKind::Fault:
      sink.word(ev.tag);
      sink.put_str("", ev.text);
      sink.put_str("", ev.phase);
      if (ev.payload) ev.payload->fields(sink);
      break;
    case EventKind::Clock:
      if (ev.payload) ev.payload->fields(sink);
      break;
    case EventKind::Record:
      sink.put_str("", ev.payload->type());
      ev.payload->fields(sink);
      break;
    case EventKind::ClientInvoke:
    case EventKind::ClientReturn:
      sink.word(ev.op_id);
      write_op(*ev.op, ev.kind == EventKind::ClientReturn, sink);
      if (ev.peer != kNoNode) {
        sink.put_int("", node_number(ev.peer));
        if (ev.kind == EventKind::ClientReturn) sink.put_int("", ev.epoch);
      }
      break;
    case EventKind::Start:
    case EventKind::Crash:
    case EventKind::Restart:
    case EventKind::Pause:
    case EventKind::Resume:
    case EventKind::Note:
    case EventKind::Caption:  // text only
      sink.put_str("", ev.text);
      break;
  }
  sink.word(9);  // end of event
}

uint64_t TraceHasher::value() const {
  uint64_t state = h_ ^ hashed_;
  return splitmix64(state);
}

std::string hash_hex(uint64_t hash) {
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<size_t>(i)] = digits[hash & 15];
  return out;
}

// ---- JSON ----

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  size_t run = 0;  // start of the pending run of characters that need no escape
  for (size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (u) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        static const char* hex = "0123456789abcdef";
        out += "\\u00";
        out.push_back(hex[u >> 4]);
        out.push_back(hex[u & 15]);
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

void JsonWriter::key(std::string_view k) {
  if (!first_.back()) out_.push_back(',');
  first_.back() = false;
  if (!k.empty()) {
    // Keys are our own identifiers: nothing to escape.
    out_.push_back('"');
    out_.append(k);
    out_.append("\":", 2);
  }
}

void JsonWriter::put_int(std::string_view k, int64_t value) {
  key(k);
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, static_cast<size_t>(end - buffer));
}

void JsonWriter::put_str(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(out_, value);
}

void JsonWriter::put_bool(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
}

void JsonWriter::begin_list(std::string_view k) {
  key(k);
  out_.push_back('[');
  first_.push_back(true);
}

void JsonWriter::end_list() {
  out_.push_back(']');
  first_.pop_back();
}

void JsonWriter::begin_obj(std::string_view k) {
  key(k);
  out_.push_back('{');
  first_.push_back(true);
}

void JsonWriter::end_obj() {
  out_.push_back('}');
  first_.pop_back();
}

std::string event_to_json(const TraceEvent& ev) {
  std::string line;
  line.reserve(128);
  append_event_json(line, ev);
  return line;
}

void append_event_json(std::string& line, const TraceEvent& ev) {
  JsonWriter w(line);
  w.begin_obj("");
  w.put_int("i", static_cast<int64_t>(ev.index));
  write_event_fields(ev, w);
  w.end_obj();
}

}  // namespace ballot
