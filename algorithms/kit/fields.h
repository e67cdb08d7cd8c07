// Message fields declared once. A message (or a fact, or a part shared by several messages) lists
// its fields in one table of (name, member, kind); the table writes the fields to a FieldSink (the
// trace JSON, the trace hash, and through the trace the viewer's inspector and timeline), and it
// describes them (field_schema: names and kinds) without a message at hand.
//
//   struct VoteRequestFields {
//     int64_t term = 0;
//     NodeId candidate_id = kNoNode;
//     static constexpr auto declared_fields() {
//       using S = VoteRequestFields;
//       return kit::fields(kit::num("term", &S::term),
//                          kit::node("candidate_id", &S::candidate_id));
//     }
//   };
//   struct RequestVote : kit::Msg<RequestVote, VoteRequestFields> {
//     static constexpr std::string_view kType = "RequestVote";
//   };
//   struct PreVote : kit::Msg<PreVote, VoteRequestFields> { ... "PreVote" ... };
//
// The table's order is the trace's order (and part of the trace hash).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "sim/api/message.h"
#include "sim/api/node_api.h"

namespace ballot::kit {

// Traces name nodes 1-based everywhere (docs/trace-format.md), 0 for none; NodeId is 0-based.
inline int64_t node_number(NodeId id) {
  return id == kNoNode ? 0 : int64_t{id} + 1;
}

enum class FieldKind : uint8_t {
  Int,        // put_int
  Bool,       // put_bool
  Str,        // put_str
  OptStr,     // put_str when present (an optional string), nothing otherwise
  Node,       // put_int of the node's number (1-based, 0 for none)
  List,       // a list of objects
  Object,     // one object
  KeyValues,  // a std::map<std::string, std::string> as a list of {key, value} objects
};
const char* field_kind_name(FieldKind kind);

// One declared field: its name, the member that holds it, and how it is written.
template <class S, class T, FieldKind K>
struct Field {
  std::string_view name;
  T S::*member;
  static constexpr FieldKind kind = K;
  void write(FieldSink& sink, const S& s) const {
    const T& value = s.*member;
    if constexpr (K == FieldKind::Int) {
      sink.put_int(name, static_cast<int64_t>(value));
    } else if constexpr (K == FieldKind::Bool) {
      sink.put_bool(name, value);
    } else if constexpr (K == FieldKind::Str) {
      sink.put_str(name, value);
    } else if constexpr (K == FieldKind::OptStr) {
      if (value) sink.put_str(name, *value);
    } else if constexpr (K == FieldKind::KeyValues) {
      sink.put_key_values(name, value);
    } else {
      static_assert(K == FieldKind::Node);
      sink.put_int(name, node_number(value));
    }
  }
};

// A field written by a function: a list (each element an object the function fills), or one object
// (which the function fills).
template <class S, class T, class E, FieldKind K>
struct WrittenField {
  std::string_view name;
  T S::*member;
  void (*write_one)(FieldSink&, const E&);
  static constexpr FieldKind kind = K;
  void write(FieldSink& sink, const S& s) const {
    if constexpr (K == FieldKind::List) {
      sink.begin_list(name);
      for (const E& element : s.*member) {
        sink.begin_obj("");
        write_one(sink, element);
        sink.end_obj();
      }
      sink.end_list();
    } else {
      sink.begin_obj(name);
      write_one(sink, s.*member);
      sink.end_obj();
    }
  }
};

template <class S, class T>
constexpr auto num(std::string_view name, T S::*member) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  return Field<S, T, FieldKind::Int>{name, member};
}
template <class S>
constexpr auto flag(std::string_view name, bool S::*member) {
  return Field<S, bool, FieldKind::Bool>{name, member};
}
template <class S, class T>
constexpr auto str(std::string_view name, T S::*member) {
  static_assert(std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>);
  return Field<S, T, FieldKind::Str>{name, member};
}
template <class S>
constexpr auto opt_str(std::string_view name, std::optional<std::string> S::*member) {
  return Field<S, std::optional<std::string>, FieldKind::OptStr>{name, member};
}
template <class S>
constexpr auto key_values(std::string_view name, std::map<std::string, std::string> S::*member) {
  return Field<S, std::map<std::string, std::string>, FieldKind::KeyValues>{name, member};
}
template <class S>
constexpr auto node(std::string_view name, NodeId S::*member) {
  return Field<S, NodeId, FieldKind::Node>{name, member};
}
template <class S, class T>
constexpr auto list(std::string_view name, std::vector<T> S::*member,
                    void (*write_one)(FieldSink&, const T&)) {
  return WrittenField<S, std::vector<T>, T, FieldKind::List>{name, member, write_one};
}
template <class S, class T>
constexpr auto object(std::string_view name, T S::*member,
                      void (*write_one)(FieldSink&, const T&)) {
  return WrittenField<S, T, T, FieldKind::Object>{name, member, write_one};
}

template <class... Fs>
constexpr auto fields(Fs... declared) {
  return std::tuple<Fs...>{declared...};
}

// Writes the fields `S::declared_fields()` declares, in order.
template <class S>
void write_fields(FieldSink& sink, const S& s) {
  static constexpr auto kFields = S::declared_fields();
  std::apply([&](const auto&... field) { (field.write(sink, s), ...); }, kFields);
}

struct FieldInfo {
  std::string_view name;
  FieldKind kind;
};

// The names and kinds of the fields `S::declared_fields()` declares, in order.
template <class S>
std::vector<FieldInfo> field_schema() {
  static constexpr auto kFields = S::declared_fields();
  return std::apply(
      [](const auto&... field) {
        return std::vector<FieldInfo>{{field.name, field.kind}...};
      },
      kFields);
}

// A message whose fields are those `Body::declared_fields()` declares: fields() is written for it.
// Several messages may share one Body (RequestVote and PreVote ask the same question). Without a
// Body, the message declares its own fields (Derived::declared_fields()).
template <class Derived, class Body = void>
class Msg : public MessageBase<Derived>, public Body {
 public:
  void fields(FieldSink& sink) const override { write_fields<Body>(sink, *this); }
};

template <class Derived>
class Msg<Derived, void> : public MessageBase<Derived> {
 public:
  void fields(FieldSink& sink) const override {
    write_fields<Derived>(sink, static_cast<const Derived&>(*this));
  }
};

}  // namespace ballot::kit
