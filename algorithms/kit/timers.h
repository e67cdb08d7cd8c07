// Named timers on top of Context::set_timer / cancel_timer: a timer is named by its tag (the
// number the trace shows), at most one timer of a tag is armed, and setting a timer replaces the
// armed one of its tag. Nodes no longer keep one std::optional<TimerId> per timer, nor forget to
// cancel the old one.
//
// set() draws no random number. The kernel writes an `arm` event for every timer set and a `cancel`
// for every armed one cancelled (docs/trace-format.md), so set() on an armed tag writes both.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/api/node_api.h"

namespace ballot::kit {

class Timers {
 public:
  explicit Timers(Context& ctx) : ctx_(ctx) {}

  // Arms timer `tag` to fire after delay_us on the local clock; an armed timer of the same tag is
  // cancelled first.
  void set(uint64_t tag, Time_us delay_us) {
    cancel(tag);
    armed_.emplace_back(tag, ctx_.set_timer(delay_us, tag));
  }

  // Cancels timer `tag` if it is armed.
  void cancel(uint64_t tag) {
    for (size_t i = 0; i < armed_.size(); ++i) {
      if (armed_[i].first != tag) continue;
      ctx_.cancel_timer(armed_[i].second);
      forget(i);
      return;
    }
  }

  bool armed(uint64_t tag) const {
    for (const auto& entry : armed_) {
      if (entry.first == tag) return true;
    }
    return false;
  }

  // Call first thing in Node::on_timer: timer `tag` fired and is no longer armed.
  void fired(uint64_t tag) {
    for (size_t i = 0; i < armed_.size(); ++i) {
      if (armed_[i].first == tag) return forget(i);
    }
  }

 private:
  void forget(size_t i) {
    armed_[i] = armed_.back();
    armed_.pop_back();
  }

  Context& ctx_;
  // (tag, id) of the armed timers, in no particular order: a handful, so a vector beats a map.
  std::vector<std::pair<uint64_t, TimerId>> armed_;
};

}  // namespace ballot::kit
