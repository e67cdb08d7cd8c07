// Messages between nodes, and the visitor that turns their fields into trace JSON and the hash.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace ballot {

// Identifies a message type for dispatch (algorithms/kit/dispatch.h): the address of a variable
// that exists once per type, so that telling types apart is one pointer comparison, with no
// dynamic_cast and no type-name strings.
using MessageKey = const void*;
template <class T>
inline constexpr char kMessageKeyAnchor = 0;
template <class T>
constexpr MessageKey message_key() {
  return &kMessageKeyAnchor<T>;
}

// Receives a message's (or a fact's) fields in order. The trace writer renders them as JSON; the
// hasher folds them into the trace hash without formatting text. Keys inside lists are empty.
class FieldSink {
 public:
  virtual ~FieldSink() = default;
  virtual void put_int(std::string_view key, int64_t value) = 0;
  virtual void put_str(std::string_view key, std::string_view value) = 0;
  virtual void put_bool(std::string_view key, bool value) = 0;
  virtual void begin_list(std::string_view key) = 0;
  virtual void end_list() = 0;
  virtual void begin_obj(std::string_view key) = 0;
  virtual void end_obj() = 0;

  // A key-value state (a std::map<std::string, std::string>, in its key order) as a list of
  // {key, value} objects.
  template <class Map>
  void put_key_values(std::string_view name, const Map& state) {
    begin_list(name);
    for (const auto& [key, value] : state) {
      begin_obj("");
      put_str("key", key);
      put_str("value", value);
      end_obj();
    }
    end_list();
  }
};

// A message of some algorithm. Immutable once sent: the kernel may deliver one object to its
// receiver and a clone() to a duplicate delivery.
class Message {
 public:
  virtual ~Message() = default;
  // The message type as the paper names it ("RequestVote", "Election"). Must be a string with
  // static storage duration: the kernel keeps the view.
  virtual std::string_view type() const = 0;
  // The message type's key (message_key<T>() of its class; MessageBase provides it).
  virtual MessageKey key() const = 0;
  // Every field, in a fixed order (the order is part of the trace hash).
  virtual void fields(FieldSink& sink) const = 0;
  virtual std::unique_ptr<Message> clone() const = 0;
  // Nominal size on the wire, for the bytes-by-type metric (no real encoding exists).
  virtual int64_t size_bytes() const { return 32; }
};

// Messages are allocated and freed at the rate of millions per second: a small per-thread pool of
// size classes serves them (plain new/delete under AddressSanitizer, so it still sees misuse).
void* message_alloc(std::size_t size);
void message_free(void* p, std::size_t size) noexcept;

// CRTP helper: `struct Vote : MessageBase<Vote> { static constexpr std::string_view kType = "Vote";
// ... void fields(FieldSink&) const override; };` gets type() and clone() for free.
template <class Derived>
class MessageBase : public Message {
 public:
  std::string_view type() const override { return Derived::kType; }
  MessageKey key() const override { return message_key<Derived>(); }
  std::unique_ptr<Message> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  static void* operator new(std::size_t size) { return message_alloc(size); }
  // With a virtual destructor, `size` is the size of the dynamic type.
  static void operator delete(void* p, std::size_t size) noexcept { message_free(p, size); }
};

}  // namespace ballot
