// Reading lesson captions: each is shown at a time ("at") or when an event happens ("on", an
// anchor resolved during the run by sim/kernel/caption_anchors.cpp). docs/scenario-format.md,
// "captions", defines the anchor vocabulary.
#include <string>
#include <vector>

#include "sim/scenario/scenario_read.h"

namespace ballot::reader {

namespace {

using Kind = CaptionAnchor::Kind;

// The keys that name the event, and for each the keys that may narrow it.
struct AnchorSubject {
  const char* key;
  Kind kind;
  std::vector<std::string> narrowed_by;
};

const std::vector<AnchorSubject>& subjects() {
  static const std::vector<AnchorSubject> table = {
      {"role", Kind::Role, {"node", "epoch"}},
      {"commit", Kind::Commit, {"node"}},
      {"fault", Kind::Fault, {"phase"}},
      {"fault_kind", Kind::Fault, {"phase"}},
      {"crash", Kind::Crash, {}},
      {"restart", Kind::Restart, {}},
      {"pause", Kind::Pause, {}},
      {"resume", Kind::Resume, {}},
      {"violation", Kind::Violation, {}},
      {"op", Kind::Op, {"outcome"}},
  };
  return table;
}

std::vector<std::string> subject_keys() {
  std::vector<std::string> keys;
  for (const AnchorSubject& s : subjects()) keys.emplace_back(s.key);
  return keys;
}

// One name from a fixed list, with "did you mean" for a near miss.
template <typename T>
T read_named(const json& j, const std::string& path, const std::string& what,
             const std::vector<std::pair<std::string, T>>& names) {
  std::vector<std::string> valid;
  for (const auto& [name, value] : names) valid.push_back(name);
  if (!j.is_string())
    throw InputError(path,
                     "expected " + what + " (one of: " + join(valid) + "), got " + describe(j));
  const std::string s = j.get<std::string>();
  for (const auto& [name, value] : names)
    if (name == s) return value;
  throw InputError(path, unknown_name(what, s, valid));
}

// A node name, or "any" (kNoNode).
NodeId read_node_or_any(const json& j, const std::string& path, int32_t nodes) {
  if (j.is_string() && j.get<std::string>() == "any") return kNoNode;
  if (!j.is_string())
    throw InputError(
        path, "expected a node name (" + node_range(nodes) + ") or \"any\", got " + describe(j));
  return read_node(j, path, nodes);
}

CaptionAnchor read_anchor(const json& j, const std::string& path, const RunFrame& run,
                          size_t faults) {
  if (!j.is_object())
    throw InputError(path,
                     "expected an anchor object like {\"role\": \"candidate\", \"node\": "
                     "\"n5\"}, got " +
                         describe(j));
  const Obj o(j, path, schema().anchor);
  const AnchorSubject* subject = nullptr;
  for (const AnchorSubject& s : subjects()) {
    if (!o.find(s.key)) continue;
    if (subject)
      throw InputError(o.at(s.key), std::string("an anchor names one event: got both '") +
                                        subject->key + "' and '" + s.key + "'");
    subject = &s;
  }
  if (!subject)
    throw InputError(
        path, "missing the event to anchor to: expected one of the keys " + join(subject_keys()));
  for (const auto& [key, value] : j.items()) {
    if (key == subject->key) continue;
    bool allowed = false;
    for (const std::string& k : subject->narrowed_by) allowed |= k == key;
    if (!allowed)
      throw InputError(o.at(key), "field '" + key + "' does not belong to a " + subject->key +
                                      " anchor (" + subject->key + " takes: " +
                                      (subject->narrowed_by.empty() ? std::string("nothing else")
                                                                    : join(subject->narrowed_by)) +
                                      ")");
  }
  CaptionAnchor a;
  a.kind = subject->kind;
  a.text = j.dump();
  const std::string key = subject->key;
  const json& v = *o.find(key);
  const std::string at = o.at(key);
  if (const json* node = o.find("node")) a.node = read_node_or_any(*node, o.at("node"), run.nodes);
  switch (a.kind) {
    case Kind::Role:
      a.role = read_named<Role>(
          v, at, "role",
          {{"follower", Role::Follower}, {"candidate", Role::Candidate}, {"leader", Role::Leader}});
      if (const json* e = o.find("epoch")) a.epoch = read_int(*e, o.at("epoch"), 0, INT64_MAX);
      break;
    case Kind::Commit:
      a.index = read_int(v, at, 1, INT64_MAX);
      break;
    case Kind::Fault:
      if (key == "fault") {
        if (faults == 0)
          throw InputError(at,
                           "the scenario has no faults to anchor to (a fault anchor names one "
                           "by its position in \"faults\", from 1; or use \"fault_kind\")");
        a.fault = read_int(v, at, 1, static_cast<int64_t>(faults));
      } else {
        a.fault_kind = read_fault_kind(v, at);
      }
      if (const json* p = o.find("phase"))
        a.end = read_named<bool>(*p, o.at("phase"), "phase", {{"begin", false}, {"end", true}});
      break;
    case Kind::Crash:
    case Kind::Restart:
    case Kind::Pause:
    case Kind::Resume:
      a.node = read_node_or_any(v, at, run.nodes);
      break;
    case Kind::Violation:
      a.checker = read_string(v, at, "\"election_safety\" or \"any\"");
      if (a.checker.empty())
        throw InputError(at,
                         "expected a checker's name like \"election_safety\" or \"any\", got "
                         "\"\"");
      if (a.checker == "any") a.checker.clear();
      break;
    case Kind::Op:
      if (!(v.is_string() && v.get<std::string>() == "any")) {
        if (!v.is_number_integer())
          throw InputError(at,
                           "expected an operation id (an integer from 1, as in the trace) or "
                           "\"any\", got " +
                               describe(v));
        a.op = static_cast<uint64_t>(read_int(v, at, 1, INT64_MAX));
      }
      if (const json* out = o.find("outcome"))
        a.outcome = read_named<lin::Outcome>(
            *out, o.at("outcome"), "outcome",
            {{"ok", lin::Outcome::Ok}, {"fail", lin::Outcome::Fail}, {"info", lin::Outcome::Info}});
      break;
  }
  return a;
}

}  // namespace

std::vector<Caption> read_captions(const json& j, const std::string& path, const RunFrame& run,
                                   size_t faults) {
  if (!j.is_array()) throw InputError(path, "expected a list of captions, got " + describe(j));
  std::vector<Caption> captions;
  for (size_t i = 0; i < j.size(); ++i) {
    const Obj o(j[i], index_path(path, i), schema().caption);
    Caption c;
    c.path = o.path();
    const json* at = o.find("at");
    const json* on = o.find("on");
    if (at && on)
      throw InputError(o.at("on"), "a caption takes 'at' (a time) or 'on' (an event), not both");
    if (!at && !on)
      throw InputError(o.path(),
                       "missing required field 'at' (a time) or 'on' (an event, like "
                       "{\"role\": \"candidate\", \"node\": \"n5\"})");
    if (at) {
      for (const char* key : {"nth", "offset"})
        if (o.find(key))
          throw InputError(o.at(key), std::string("field '") + key +
                                          "' belongs to a caption anchored to an event ('on'), "
                                          "not to one at a time ('at')");
      c.at_us = read_time_in_run(*at, o.at("at"), run, "caption");
    } else {
      c.on = read_anchor(*on, o.at("on"), run, faults);
      if (const json* v = o.find("nth")) c.nth = read_int(*v, o.at("nth"), 1, 1000000);
      if (const json* v = o.find("offset"))
        c.offset_us = read_duration(*v, o.at("offset"), Sign::NonNegative);
    }
    c.text = read_string(o.require("text"), o.at("text"), "\"n5 is the highest id\"");
    if (const json* v = o.find("pause")) c.pause = read_bool(*v, o.at("pause"));
    captions.push_back(c);
  }
  return captions;
}

}  // namespace ballot::reader
