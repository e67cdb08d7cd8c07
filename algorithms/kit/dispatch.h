// Typed message dispatch: an algorithm lists its message types once, and on_message hands each
// message to an overload set (a visitor) with its own type. No dynamic_cast chains, no comparing
// type names: one virtual call (Message::key) and a few pointer comparisons, unrolled at compile
// time.
//
//   using Messages = kit::MessageTypes<Prepare, Promise, Accept>;       // in messages.h
//   Messages::visit(msg, [&](const auto& m) { handle(from, m); });     // in on_message
#pragma once
#include "sim/api/message.h"

namespace ballot::kit {

template <class... Ms>
struct MessageTypes {
  // Calls f(static_cast<const M&>(msg)) for the listed type M that msg is, and returns true;
  // returns false (calling nothing) for any other message.
  template <class F>
  static bool visit(const Message& msg, F&& f) {
    const MessageKey key = msg.key();
    return ((key == message_key<Ms>() ? (f(static_cast<const Ms&>(msg)), true) : false) || ...);
  }

  // Whether `msg` is one of the listed types.
  static bool contains(const Message& msg) {
    const MessageKey key = msg.key();
    return ((key == message_key<Ms>()) || ...);
  }

  // Calls f(name) with each listed type's name, in order (e.g. for documentation or tests).
  template <class F>
  static void each_type(F&& f) {
    (f(Ms::kType), ...);
  }
};

// The message as an M, or nullptr if it is another type (for the checkers' facts, and tests).
template <class M>
const M* message_as(const Message& msg) {
  return msg.key() == message_key<M>() ? static_cast<const M*>(&msg) : nullptr;
}
// The same for a message that may be absent (a trace event's payload).
template <class M>
const M* message_as(const Message* msg) {
  return msg != nullptr ? message_as<M>(*msg) : nullptr;
}

}  // namespace ballot::kit
