// Reading scenario files (docs/scenario-format.md): JSON text -> variant -> overrides ->
// validation -> Scenario. This file holds the "--set" overrides, the warnings they earn, the
// "variants" (docs/scenario-format.md#variants), and the public entry points; the reader's other
// parts are listed in sim/scenario/scenario_read.h.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "sim/input/input_file.h"
#include "sim/scenario/scenario_read.h"

namespace ballot {

using namespace reader;

namespace {

// ---------------------------------------------------------------------------------------------
// "--set path=value"

struct PathStep {
  bool is_index = false;
  std::string key;
  size_t index = 0;
};

struct Override {
  std::string flag;       // "faults[0].at=3s", for messages
  std::string path_text;  // "faults[0].at"
  std::vector<PathStep> steps;
  json value;
};

[[noreturn]] void bad_override(const Override& o, const std::string& message) {
  throw InputError(o.path_text, "--set " + o.flag + ": " + message);
}

Override parse_override(const std::string& flag) {
  Override o;
  o.flag = flag;
  const size_t eq = flag.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError("", "--set " + flag + ": expected path=value, like seed=7 or faults[0].at=3s");
  }
  o.path_text = flag.substr(0, eq);
  const std::string& p = o.path_text;
  size_t i = 0;
  bool want_key = true;  // at the start and after '.'
  while (i < p.size() || want_key) {
    if (want_key) {
      const size_t end = std::min(p.find_first_of(".[]", i), p.size());
      if (end == i)
        bad_override(o, "expected a key at position " + std::to_string(i + 1) + " of the path");
      o.steps.push_back({false, p.substr(i, end - i), 0});
      i = end;
      want_key = false;
    } else if (p[i] == '.') {
      ++i;
      want_key = true;
    } else if (p[i] == '[') {
      const size_t close = p.find(']', i);
      const std::string digits = close == std::string::npos ? "" : p.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.size() > 9 ||
          digits.find_first_not_of("0123456789") != std::string::npos) {
        bad_override(
            o, "expected an index like [0] at position " + std::to_string(i + 1) + " of the path");
      }
      o.steps.push_back({true, "", static_cast<size_t>(std::stoul(digits))});
      i = close + 1;
    } else {
      bad_override(o, "unexpected '" + std::string(1, p[i]) + "' at position " +
                          std::to_string(i + 1) + " of the path");
    }
  }
  const std::string value_text = flag.substr(eq + 1);
  check_nesting(value_text, o.path_text, "--set " + flag + ": value ");
  if (json::accept(value_text)) {
    o.value = json::parse(value_text);
    try {
      check_repeated_keys(value_text);
    } catch (const InputError& e) {
      bad_override(o, "in the value: " + std::string(e.what()));
    }
  } else {
    o.value = value_text;
    try {
      (void)o.value.dump();
    } catch (const json::type_error&) {
      bad_override(o, "the value is not valid UTF-8");
    }
  }
  return o;
}

// Checks the path against the schema, so that a typo never creates a key the reader rejects
// without naming the flag. Returns the schema of the node each step reaches.
std::vector<const Schema*> check_override_path(const Override& o) {
  using Shape = Schema::Shape;
  const Schema* s = &schema().root;
  std::vector<const Schema*> reached;
  std::string walked;
  for (const auto& step : o.steps) {
    if (step.is_index) {
      if (s->shape == Shape::Array) {
        s = s->elem;
      } else if (s->shape != Shape::List && s->shape != Shape::Tree) {
        bad_override(o, "'" + walked + "' is not a list");
      }
      walked = index_path(walked, step.index);
      reached.push_back(s);
      continue;
    }
    switch (s->shape) {
      case Shape::Object: {
        const Schema* child = s->field(step.key);
        if (!child) {
          bad_override(o, unknown_name(s->what, step.key, s->names) +
                              (walked.empty() ? "" : " in '" + walked + "'"));
        }
        s = child;
        break;
      }
      case Shape::Map:
        s = s->elem;
        break;
      case Shape::Tree:
        break;
      case Shape::Array:
        bad_override(o, "'" + walked + "' is a list: use " + walked + "[N]");
      case Shape::Leaf:
      case Shape::List:
        bad_override(o, "'" + walked + "' has no fields");
    }
    walked = key_path(walked, step.key);
    reached.push_back(s);
  }
  return reached;
}

// Sets the value (null removes the key or element, restoring the default), creating objects
// and lists on the way; an index may be one past the end to append. A bound set on a plain
// expectation ("violations": 0, then --set expect.violations.max=2) replaces it.
void apply_override(json& doc, const Override& o) {
  const std::vector<const Schema*> reached = check_override_path(o);
  const bool erase = o.value.is_null();
  json* cur = &doc;
  std::string walked;
  for (size_t k = 0; k < o.steps.size(); ++k) {
    const PathStep& step = o.steps[k];
    const bool last = k + 1 == o.steps.size();
    if (k > 0 &&
        (reached[k - 1] == &schema().expect_value || reached[k - 1] == &schema().time_range) &&
        cur->is_primitive() && !erase) {
      *cur = json::object();
    }
    if (step.is_index) {
      if (cur->is_null()) {
        if (erase) return;
        *cur = json::array();
      }
      if (!cur->is_array())
        bad_override(o, "'" + walked + "' is " + describe(*cur) + ", not a list");
      if (step.index > cur->size()) {
        bad_override(o, "'" + walked + "' has " + std::to_string(cur->size()) +
                            (cur->size() == 1 ? " entry" : " entries") +
                            ": the index must be at most " + std::to_string(cur->size()));
      }
      if (step.index == cur->size()) {
        if (erase) return;
        cur->push_back(nullptr);
      }
      if (last) {
        if (erase) {
          cur->erase(step.index);
        } else {
          (*cur)[step.index] = o.value;
        }
        return;
      }
      cur = &(*cur)[step.index];
      walked = index_path(walked, step.index);
      continue;
    }
    if (cur->is_null()) {
      if (erase) return;
      *cur = json::object();
    }
    if (!cur->is_object()) {
      bad_override(o, "'" + walked + "' is " + describe(*cur) + ", not an object");
    }
    if (last) {
      if (erase) {
        cur->erase(step.key);
      } else {
        (*cur)[step.key] = o.value;
      }
      return;
    }
    const auto it = cur->find(step.key);
    if (it == cur->end() && erase) return;
    cur = &(*cur)[step.key];
    walked = key_path(walked, step.key);
  }
}

// Whether one JSON path lies inside the other ("faults[0]" and "faults[0].at").
bool paths_overlap(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  if (longer.compare(0, shorter.size(), shorter) != 0) return false;
  return longer.size() == shorter.size() || longer[shorter.size()] == '.' ||
         longer[shorter.size()] == '[';
}

}  // namespace

namespace {

// Per partition fault ("faults[2]") and explicit topology ("topology.edges"): the nodes it leaves
// out (in no group; without an edge). Only where that set is not empty.
std::map<std::string, std::vector<NodeId>> left_out(const Scenario& s) {
  std::map<std::string, std::vector<NodeId>> out;
  for (size_t i = 0; i < s.faults.size(); ++i) {
    const FaultSpec& f = s.faults[i];
    if (f.kind != FaultKind::Partition || f.groups.empty()) continue;
    std::set<NodeId> in;
    for (const auto& g : f.groups) in.insert(g.begin(), g.end());
    for (NodeId n = 0; n < s.nodes; ++n)
      if (in.count(n) == 0) out["faults[" + std::to_string(i) + "]"].push_back(n);
  }
  if (s.topology.kind == TopologySpec::Kind::Explicit) {
    std::set<NodeId> linked;
    for (const auto& e : s.topology.edges) linked.insert({e.a, e.b});
    for (NodeId n = 0; n < s.nodes; ++n)
      if (linked.count(n) == 0) out["topology.edges"].push_back(n);
  }
  return out;
}

std::string names(const std::vector<NodeId>& nodes) {
  std::string out;
  for (NodeId n : nodes) out += (out.empty() ? "" : ", ") + node_name(n);
  return out;
}

// What the overrides did that the file did not mean: nodes they leave outside every partition
// group (they silently form one more group: a 3/2 split becomes 3/2/2) or without any edge of an
// explicit topology. Only where the file as written left no node out.
std::vector<std::string> override_warnings(const Scenario& with, const Scenario& without,
                                           const std::vector<std::string>& overrides) {
  std::string flags;
  for (const std::string& o : overrides)
    if (o.rfind("algorithm=", 0) != 0 && o.rfind("seed=", 0) != 0)  // --algo, --seed, check
      flags += (flags.empty() ? "--set " : ", --set ") + o;
  const auto before = left_out(without);
  std::vector<std::string> warnings;
  for (const auto& [where, nodes] : left_out(with)) {
    if (before.count(where) != 0) continue;
    const bool one = nodes.size() == 1;
    if (where == "topology.edges")
      warnings.push_back(where + ": " + names(nodes) + (one ? " has" : " have") +
                         " no edge after " + flags + ", so " + (one ? "it reaches" : "they reach") +
                         " no other node");
    else
      warnings.push_back(where + ": " + names(nodes) + (one ? " is" : " are") +
                         " in no partition group after " + flags + ", so " +
                         (one ? "it forms a group of its own" : "they form a group of their own") +
                         ": the file's groups covered all " + std::to_string(without.nodes) +
                         " nodes (groups like [\"majority\", \"minority\"] or "
                         "[[\"leader\", \"minority\"]] scale with the cluster)");
  }
  return warnings;
}

}  // namespace

namespace {

// ---------------------------------------------------------------------------------------------
// "variants" (docs/scenario-format.md#variants)

// One variant's overrides, each with its JSON path ("variants[1].set[0]").
struct VariantSet {
  std::string path;
  Override override;
};

struct ReadVariant {
  size_t index = 0;
  VariantInfo info;
  std::vector<VariantSet> sets;
};

// An override's message without the "--set FLAG: " that names a command-line flag: a variant's
// override is named by its JSON path instead.
std::string without_flag(const std::string& message, const std::string& flag) {
  const std::string prefix = "--set " + flag + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

bool variant_name_ok(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

// Every variant's shape: names (unique, [a-z0-9-]+), descriptions, and each override's syntax and
// path; what the overrides set and the variant's expect, captions and golden are read when the
// variant is.
std::vector<ReadVariant> read_variants(const json& doc) {
  std::vector<ReadVariant> out;
  const auto it = doc.find("variants");
  if (it == doc.end()) return out;
  const json& list = *it;
  if (!list.is_array())
    throw InputError("variants", "expected a list of variants, got " + describe(list));
  for (size_t i = 0; i < list.size(); ++i) {
    const Obj o(list[i], index_path("variants", i), schema().variant);
    ReadVariant v;
    v.index = i;
    v.info.name = read_string(o.require("name"), o.at("name"), "buggy");
    if (!variant_name_ok(v.info.name)) {
      throw InputError(o.at("name"), "expected a name of lowercase letters, digits and '-', got " +
                                         describe(o.require("name")));
    }
    if (v.info.name == kBaseVariant) {
      throw InputError(o.at("name"), std::string("the name '") + kBaseVariant +
                                         "' is reserved: it names the file without a variant");
    }
    for (const ReadVariant& before : out) {
      if (before.info.name == v.info.name) {
        throw InputError(o.at("name"), "duplicate variant name '" + v.info.name +
                                           "': it is already variants[" +
                                           std::to_string(before.index) + "]'s");
      }
    }
    if (const json* d = o.find("description"))
      v.info.description = read_string(*d, o.at("description"));
    if (const json* set = o.find("set")) {
      if (!set->is_array())
        throw InputError(o.at("set"),
                         "expected a list of overrides like \"seed=7\", got " + describe(*set));
      for (size_t k = 0; k < set->size(); ++k) {
        const std::string at = index_path(o.at("set"), k);
        const std::string flag =
            read_string((*set)[k], at, "params.raft.bugs.vote_without_log_check=true");
        try {
          Override parsed = parse_override(flag);
          (void)check_override_path(parsed);
          if (!parsed.steps.empty() && parsed.steps[0].key == "variants")
            throw InputError("", "a variant cannot change the variants");
          v.sets.push_back({at, std::move(parsed)});
        } catch (const InputError& e) {
          throw InputError(at, flag + ": " + without_flag(e.what(), flag));
        }
      }
    }
    for (const char* section : {"expect", "captions", "golden"}) {
      const json* value = o.find(section);
      if (value == nullptr) continue;
      const bool captions = std::string(section) == "captions";
      if (captions ? !value->is_array() : !value->is_object()) {
        throw InputError(o.at(section), std::string("expected ") +
                                            (captions ? "a list of captions" : "an object") +
                                            ", got " + describe(*value));
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::string variant_names(const std::vector<ReadVariant>& variants) {
  std::vector<std::string> names;
  for (const ReadVariant& v : variants) names.push_back(v.info.name);
  return join(names);
}

// Turns `doc` into the variant `name` (when not empty): its overrides applied in order, its
// expect and captions replacing the file's where it has them, its golden always (a variant
// without one has none). Removes "variants" from `doc`. Returns the variant applied (null for the
// base).
const ReadVariant* apply_variant(json& doc, const std::vector<ReadVariant>& variants,
                                 const std::string& name) {
  doc.erase("variants");
  if (name.empty()) return nullptr;
  if (variants.empty())
    throw InputError("", "--variant " + name + ": the file declares no variants");
  if (name == kBaseVariant) return nullptr;
  const ReadVariant* chosen = nullptr;
  for (const ReadVariant& v : variants)
    if (v.info.name == name) chosen = &v;
  if (chosen == nullptr) {
    throw InputError("", "--variant " + name +
                             ": no such variant (the file's variants: " + variant_names(variants) +
                             "; " + kBaseVariant + " is the file without one)");
  }
  return chosen;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file,
                        const std::vector<std::string>& overrides, const std::string& variant) {
  try {
    json doc = parse_document(text);
    if (!doc.is_object()) {
      throw InputError("", "expected a JSON object describing the scenario, got " + describe(doc));
    }
    const std::vector<ReadVariant> variants = read_variants(doc);
    const json written = doc;  // before the variant: its sections are read from here
    const ReadVariant* chosen = apply_variant(doc, variants, variant);
    std::vector<std::string> replaced;  // the sections the variant replaced
    if (chosen != nullptr) {
      const json& entry = written["variants"][chosen->index];
      for (const VariantSet& set : chosen->sets) {
        try {
          apply_override(doc, set.override);
        } catch (const InputError& e) {
          throw InputError(set.path,
                           set.override.flag + ": " + without_flag(e.what(), set.override.flag));
        }
      }
      for (const char* section : {"expect", "captions", "golden"}) {
        const auto found = entry.find(section);
        if (found != entry.end()) {
          doc[section] = *found;
          replaced.emplace_back(section);
        } else if (std::string(section) == "golden") {
          doc.erase(section);
        }
      }
    }
    std::vector<Override> parsed;
    for (const auto& flag : overrides) {
      parsed.push_back(parse_override(flag));
      apply_override(doc, parsed.back());
    }
    Scenario s;
    try {
      s = read_scenario(doc);
    } catch (const InputError& e) {
      // Name the flag when the bad value came from one (the last flag that touched the path).
      for (auto it = parsed.rbegin(); it != parsed.rend(); ++it) {
        if (!e.path().empty() && paths_overlap(e.path(), it->path_text)) {
          throw InputError(e.path(), std::string(e.what()) + " (from --set " + it->flag + ")");
        }
      }
      // Then the variant: one of its overrides, or a section it replaced.
      if (chosen != nullptr && !e.path().empty()) {
        for (auto it = chosen->sets.rbegin(); it != chosen->sets.rend(); ++it) {
          if (paths_overlap(e.path(), it->override.path_text)) {
            throw InputError(it->path,
                             it->override.flag + ": " + e.path() + ": " + std::string(e.what()));
          }
        }
        for (const std::string& section : replaced) {
          if (paths_overlap(e.path(), section)) {
            throw InputError(index_path("variants", chosen->index) + "." + e.path(),
                             std::string(e.what()));
          }
        }
      }
      throw;
    }
    s.file = file;
    for (const ReadVariant& v : variants) s.variants.push_back(v.info);
    if (chosen != nullptr) s.variant = chosen->info.name;
    if (!overrides.empty() && !left_out(s).empty()) {
      // Compared with the file as written; a file that is only valid with its overrides has
      // nothing to compare with.
      try {
        s.warnings = override_warnings(s, parse_scenario(text, file, {}, variant), overrides);
      } catch (const InputError&) {
      }
    }
    doc["algorithm"] = s.algorithm;
    doc["seed"] = s.seed;
    s.resolved_json = doc.dump();
    return s;
  } catch (const json::exception& e) {
    // Not expected: every value is checked before nlohmann could object. Still bad input, not a
    // crash.
    throw InputError("", std::string("unreadable JSON: ") + printable(e.what()));
  }
}

void check_json_text(const std::string& text, size_t first_line) {
  try {
    (void)parse_json_text(text);
  } catch (const InputError& e) {
    // Messages say "at line L, column C" of `text`; shift L to the file's numbering.
    std::string message = e.what();
    const std::string at = "at line ";
    const size_t pos = message.find(at);
    if (pos != std::string::npos && first_line > 1) {
      const size_t digits = message.find_first_not_of("0123456789", pos + at.size());
      const size_t line = std::strtoull(message.c_str() + pos + at.size(), nullptr, 10);
      message.replace(pos + at.size(), digits - pos - at.size(),
                      std::to_string(line + first_line - 1));
    }
    throw InputError(e.path(), message);
  }
}

Scenario with_seed(const Scenario& scenario, uint64_t seed) {
  Scenario s = scenario;
  s.seed = seed;
  if (!s.resolved_json.empty()) {
    json doc = json::parse(s.resolved_json);
    doc["seed"] = seed;
    s.resolved_json = doc.dump();
  }
  return s;
}

Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides,
                       const std::string& variant) {
  std::string text, error;
  if (!read_file_capped(file, kMaxScenarioBytes, "scenario", text, error)) {
    throw InputError("", error);
  }
  return parse_scenario(text, file, overrides, variant);
}

}  // namespace ballot
