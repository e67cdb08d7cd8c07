#include "sim/tracediff/loose_diff.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <utility>

namespace ballot::tracediff {

namespace {

// ---- the content of one line ----
//
// A small scanner of one JSON object (a trace line passed the reader's checks, so it is valid
// JSON; anything else is hashed as it is). It hashes the tokens, with markers for the structure,
// skipping the fields that say when (see loose_diff.h).

class Hasher {
 public:
  void word(uint64_t w) {
    h_ = (h_ ^ w) * 0x9e3779b97f4a7c15ULL;
    h_ ^= h_ >> 32;
  }
  void bytes(std::string_view s) {
    word(0x100 | (static_cast<uint64_t>(s.size()) << 16));
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      word(w);
    }
    uint64_t tail = 0;
    for (size_t shift = 0; i < s.size(); ++i, shift += 8)
      tail |= static_cast<uint64_t>(static_cast<unsigned char>(s[i])) << shift;
    word(tail);
  }
  uint64_t value() const {  // SplitMix64's finaliser
    uint64_t z = h_ + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t h_ = 0x6c6f6f73652d6469ULL;
};

enum Marker : uint64_t { kObject = 1, kObjectEnd, kArray, kArrayEnd, kKey, kRelative };

constexpr int kMaxDepth = 64;  // deeper values are hashed as written

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t skip_ws(std::string_view s, size_t p) {
  while (p < s.size() && is_ws(s[p])) ++p;
  return p;
}

// The end of the string that starts at s[p] == '"' (just past its closing quote).
size_t string_end(std::string_view s, size_t p) {
  for (++p; p < s.size(); ++p) {
    if (s[p] == '\\') {
      ++p;
    } else if (s[p] == '"') {
      return p + 1;
    }
  }
  return s.size();
}

// The end of the value that starts at s[p].
size_t value_end(std::string_view s, size_t p) {
  if (p >= s.size()) return p;
  if (s[p] == '"') return string_end(s, p);
  if (s[p] == '{' || s[p] == '[') {
    int depth = 0;
    for (; p < s.size(); ++p) {
      const char c = s[p];
      if (c == '"') {
        p = string_end(s, p) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return p + 1;
      }
    }
    return s.size();
  }
  while (p < s.size() && s[p] != ',' && s[p] != '}' && s[p] != ']' && !is_ws(s[p])) ++p;
  return p;
}

// The members of the object `s` (keys as written, with their quotes), or false if `s` is not
// an object.
using Members = std::vector<std::pair<std::string_view, std::string_view>>;
bool members(std::string_view s, Members& out) {
  out.clear();
  size_t p = skip_ws(s, 0);
  if (p >= s.size() || s[p] != '{') return false;
  p = skip_ws(s, p + 1);
  if (p < s.size() && s[p] == '}') return true;
  while (p < s.size() && s[p] == '"') {
    const size_t key_end = string_end(s, p);
    const std::string_view key = s.substr(p, key_end - p);
    p = skip_ws(s, key_end);
    if (p >= s.size() || s[p] != ':') return false;
    p = skip_ws(s, p + 1);
    const size_t end = value_end(s, p);
    out.emplace_back(key, s.substr(p, end - p));
    p = skip_ws(s, end);
    if (p < s.size() && s[p] == ',') {
      p = skip_ws(s, p + 1);
      continue;
    }
    return p < s.size() && s[p] == '}';
  }
  return false;
}

bool integer(std::string_view v, int64_t& out) {
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && end == v.data() + v.size();
}

// The fields that hold a time of the run.
bool time_field(std::string_view key) {
  return key == "\"due\"" || key == "\"sent_us\"" || key == "\"expires_us\"" ||
         key == "\"local_us\"";
}

void hash_value(std::string_view v, int64_t t, int depth, Hasher& h);

void hash_member(std::string_view key, std::string_view value, int64_t t, int depth, Hasher& h) {
  h.word(kKey);
  h.bytes(key);
  int64_t time = 0;
  if (time_field(key) && integer(value, time)) {
    h.word(kRelative);
    h.word(static_cast<uint64_t>(time - t));
  } else {
    hash_value(value, t, depth, h);
  }
}

void hash_value(std::string_view v, int64_t t, int depth, Hasher& h) {
  if (v.empty() || depth >= kMaxDepth || (v[0] != '{' && v[0] != '[')) {
    h.bytes(v);
    return;
  }
  if (v[0] == '{') {
    Members m;
    if (!members(v, m)) {
      h.bytes(v);
      return;
    }
    h.word(kObject);
    for (const auto& [key, value] : m) hash_member(key, value, t, depth + 1, h);
    h.word(kObjectEnd);
    return;
  }
  h.word(kArray);
  size_t p = skip_ws(v, 1);
  while (p < v.size() && v[p] != ']') {
    const size_t end = value_end(v, p);
    if (end == p) break;  // not JSON: the rest is left out
    hash_value(v.substr(p, end - p), t, depth + 1, h);
    p = skip_ws(v, end);
    if (p < v.size() && v[p] == ',') p = skip_ws(v, p + 1);
  }
  h.word(kArrayEnd);
}

struct Scanned {
  EventContent content;
  std::string_view kind;  // the `k` string with its quotes
  int64_t node = 0;
};

Scanned scan(std::string_view line, Members& m) {
  Scanned out;
  Hasher h;
  if (!members(line, m)) {
    h.bytes(line);
    out.content.key = h.value();
    return out;
  }
  for (const auto& [key, value] : m) {
    if (key == "\"t\"") integer(value, out.content.t);
    if (key == "\"k\"") out.kind = value;
    if (key == "\"n\"") integer(value, out.node);
  }
  out.content.caption = out.kind == "\"caption\"";
  // Sequence numbers: a message's id, an operation's op (numbered in the order the clients
  // invoke, so one op more or in another order renumbers every later one).
  const bool message =
      out.kind == "\"send\"" || out.kind == "\"deliver\"" || out.kind == "\"drop\"";
  const bool op = out.kind == "\"invoke\"" || out.kind == "\"return\"";
  h.word(kObject);
  for (const auto& [key, value] : m) {
    if (key == "\"i\"" || key == "\"t\"" || (message && key == "\"id\"") || (op && key == "\"op\""))
      continue;
    hash_member(key, value, out.content.t, 1, h);
  }
  h.word(kObjectEnd);
  out.content.key = h.value();
  return out;
}

// ---- matching ----

struct Item {
  uint64_t key;
  uint32_t event;
  bool operator<(const Item& o) const { return key != o.key ? key < o.key : event < o.event; }
};

class Matcher {
 public:
  Matcher(const std::vector<EventContent>& a, const std::vector<EventContent>& b, LooseDiff& out)
      : a_(a), b_(b), out_(out) {}

  // Pairs A's events `ga` with B's `gb`, all of one content, each in time order.
  void group(const Item* ga, size_t p, const Item* gb, size_t q) {
    if (p == q || p + kMax < q || q + kMax < p) {
      const size_t common = std::min(p, q);
      for (size_t i = 0; i < common; ++i) pair(ga[i].event, gb[i].event);
      for (size_t i = common; i < p; ++i) out_.unmatched_a.push_back(ga[i].event);
      for (size_t i = common; i < q; ++i) out_.unmatched_b.push_back(gb[i].event);
      return;
    }
    if (p > q) {
      least_shift(ga, p, a_, gb, q, b_, false);
    } else {
      least_shift(gb, q, b_, ga, p, a_, true);
    }
  }

 private:
  static constexpr size_t kMax = LooseDiff::kMaxSkips;
  static constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;

  void pair(uint32_t ea, uint32_t eb) {
    const int64_t ta = a_[ea].t, tb = b_[eb].t;
    if (ta == tb) return;
    if (ta < tb) {
      out_.late_a.push_back(LooseDiff::Late{ea, tb});
    } else {
      out_.late_b.push_back(LooseDiff::Late{eb, ta});
    }
    if (out_.shifted == 0 || ea < out_.first_shifted_a) {
      out_.first_shifted_a = ea;
      out_.first_shifted_b = eb;
      out_.first_shifted_a_us = ta;
      out_.first_shifted_b_us = tb;
    }
    ++out_.shifted;
    out_.max_shift_us = std::max(out_.max_shift_us, ta < tb ? tb - ta : ta - tb);
  }

  // The longer list `gl` (p events of run `cl`) against the shorter `gs` (q < p): the
  // order-preserving pairing that leaves d = p - q of the longer out with the least total
  // |time shift|. cost[s] after i events of the longer: the least cost with s of them left out
  // (and i - s paired with the first i - s of the shorter); ties pair rather than leave out.
  void least_shift(const Item* gl, size_t p, const std::vector<EventContent>& cl, const Item* gs,
                   size_t q, const std::vector<EventContent>& cs, bool longer_is_b) {
    const size_t d = p - q, w = d + 1;
    cost_.assign(w, kInf);
    next_.assign(w, kInf);
    skip_.assign(p * w, 0);
    cost_[0] = 0;
    for (size_t i = 0; i < p; ++i) {
      const int64_t ti = cl[gl[i].event].t;
      for (size_t s = 0; s < w; ++s) {
        int64_t best = kInf;
        if (s <= i && i - s < q && cost_[s] < kInf) {
          const int64_t tj = cs[gs[i - s].event].t;
          best = std::min(cost_[s] + (ti < tj ? tj - ti : ti - tj), kInf - 1);
        }
        if (s > 0 && cost_[s - 1] < best) {
          best = cost_[s - 1];
          skip_[i * w + s] = 1;
        }
        next_[s] = best;
      }
      std::swap(cost_, next_);
    }
    size_t s = d;
    left_out_.clear();
    for (size_t i = p; i-- > 0;) {
      if (skip_[i * w + s]) {
        left_out_.push_back(gl[i].event);
        --s;
      } else if (longer_is_b) {
        pair(gs[i - s].event, gl[i].event);
      } else {
        pair(gl[i].event, gs[i - s].event);
      }
    }
    auto& unmatched = longer_is_b ? out_.unmatched_b : out_.unmatched_a;
    unmatched.insert(unmatched.end(), left_out_.begin(), left_out_.end());
  }

  const std::vector<EventContent>& a_;
  const std::vector<EventContent>& b_;
  LooseDiff& out_;
  std::vector<int64_t> cost_, next_;
  std::vector<uint8_t> skip_;
  std::vector<uint32_t> left_out_;
};

std::vector<EventContent> contents(const DiffRun& run) {
  std::vector<EventContent> out;
  out.reserve(run.lines.size());
  Members m;
  for (std::string_view line : run.lines) out.push_back(scan(line, m).content);
  return out;
}

std::vector<Item> items(const std::vector<EventContent>& c, size_t& captions) {
  std::vector<Item> out;
  out.reserve(c.size());
  for (uint32_t i = 0; i < c.size(); ++i) {
    if (c[i].caption) {
      ++captions;
    } else {
      out.push_back(Item{c[i].key, i});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string side(bool a) {
  return a ? "A's" : "B's";
}

}  // namespace

EventContent event_content(std::string_view line) {
  Members m;
  return scan(line, m).content;
}

LooseDiff loose_diff(const DiffRun& a, const DiffRun& b) {
  LooseDiff out;
  const std::vector<EventContent> ca = contents(a), cb = contents(b);
  const std::vector<Item> ia = items(ca, out.captions_a), ib = items(cb, out.captions_b);
  Matcher matcher(ca, cb, out);
  size_t x = 0, y = 0;
  while (x < ia.size() || y < ib.size()) {
    const uint64_t key = y == ib.size()                            ? ia[x].key
                         : x == ia.size() || ib[y].key < ia[x].key ? ib[y].key
                                                                   : ia[x].key;
    size_t xe = x, ye = y;
    while (xe < ia.size() && ia[xe].key == key) ++xe;
    while (ye < ib.size() && ib[ye].key == key) ++ye;
    matcher.group(ia.data() + x, xe - x, ib.data() + y, ye - y);
    x = xe;
    y = ye;
  }
  std::sort(out.unmatched_a.begin(), out.unmatched_a.end());
  std::sort(out.unmatched_b.begin(), out.unmatched_b.end());
  const auto by_event = [](const LooseDiff::Late& p, const LooseDiff::Late& q) {
    return p.event < q.event;
  };
  std::sort(out.late_a.begin(), out.late_a.end(), by_event);
  std::sort(out.late_b.begin(), out.late_b.end(), by_event);

  // The earliest event without a counterpart (lines are in time order).
  const bool in_a = !out.unmatched_a.empty(), in_b = !out.unmatched_b.empty();
  if (in_a || in_b) {
    const bool a_first =
        in_a && (!in_b || ca[out.unmatched_a.front()].t <= cb[out.unmatched_b.front()].t);
    out.has_divergence = true;
    out.divergence_in_a = a_first;
    out.divergence_event = a_first ? out.unmatched_a.front() : out.unmatched_b.front();
    out.divergence_us = (a_first ? ca : cb)[out.divergence_event].t;
    Members m;
    const Scanned s = scan((a_first ? a : b).lines[out.divergence_event], m);
    out.divergence_kind =
        s.kind.size() >= 2 ? std::string(s.kind.substr(1, s.kind.size() - 2)) : std::string("?");
    out.divergence_node = s.node;
  }
  return out;
}

std::string loose_divergence_text(const LooseDiff& d, const TraceDiff& exact) {
  if (exact.identical()) return "identical runs";
  if (d.has_divergence) {
    std::string what = d.divergence_kind;
    if (d.divergence_node > 0) what += ", n" + std::to_string(d.divergence_node);
    return "first divergence: " + side(d.divergence_in_a) + " event #" +
           std::to_string(d.divergence_event) + " (" + what + ") at " + us_text(d.divergence_us) +
           " has no counterpart in " + (d.divergence_in_a ? "B" : "A");
  }
  if (d.shifted > 0)
    return "the same events, " + std::to_string(d.shifted) +
           " of them at other times (the first: A's event #" + std::to_string(d.first_shifted_a) +
           " at " + us_text(d.first_shifted_a_us) + ", B's #" + std::to_string(d.first_shifted_b) +
           " at " + us_text(d.first_shifted_b_us) + ")";
  if (exact.divergence == TraceDiff::Divergence::Footer) return divergence_text(exact);
  return "the same events at the same times (captions, message ids or the order within an "
         "instant differ)";
}

}  // namespace ballot::tracediff
