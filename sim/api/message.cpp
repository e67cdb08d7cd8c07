#include "sim/api/message.h"

#include <array>
#include <new>

#include "sim/api/node_api.h"

namespace ballot {

namespace {
constexpr std::size_t kClassBytes = 16;
constexpr std::size_t kClasses = 16;  // pooled sizes: up to 256 bytes

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooling = false;
#else
constexpr bool kPooling = true;
#endif

// Free lists per size class, per thread (runs never share messages across threads).
struct Pool {
  std::array<void*, kClasses> heads{};
  ~Pool() {
    for (void* head : heads)
      while (head != nullptr) {
        void* next = *static_cast<void**>(head);
        ::operator delete(head);
        head = next;
      }
  }
};
thread_local Pool pool;

std::size_t size_class(std::size_t size) {
  return (size + kClassBytes - 1) / kClassBytes;
}
}  // namespace

void* message_alloc(std::size_t size) {
  const std::size_t c = size_class(size);
  if (!kPooling || c >= kClasses) return ::operator new(size);
  void*& head = pool.heads[c];
  if (head == nullptr) return ::operator new(c* kClassBytes);
  void* p = head;
  head = *static_cast<void**>(p);
  return p;
}

void message_free(void* p, std::size_t size) noexcept {
  const std::size_t c = size_class(size);
  if (!kPooling || c >= kClasses) {
    ::operator delete(p);
    return;
  }
  *static_cast<void**>(p) = pool.heads[c];
  pool.heads[c] = p;
}

const char* role_name(Role role) {
  switch (role) {
    case Role::Follower:
      return "follower";
    case Role::Candidate:
      return "candidate";
    case Role::Leader:
      return "leader";
  }
  return "?";
}

void Node::on_client_request(const ClientRequest& request) {
  ClientResponse response;
  response.op_id = request.op_id;
  response.status = ClientStatus::NotLeader;
  ctx_.reply(response);
}

}  // namespace ballot
