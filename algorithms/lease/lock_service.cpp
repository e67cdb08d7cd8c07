#include "algorithms/lease/lock_service.h"

#include "sim/api/require.h"

namespace ballot::lease {

LockService::LockService(Time_us ttl_us, LockState state, Time_us now_us)
    : ttl_us_(ttl_us), state_(state) {
  BALLOT_REQUIRE(ttl_us_ > 0, "a lease lasts a positive time");
  BALLOT_REQUIRE(state_.holder_token <= state_.last_token, "the holder's token was handed out");
  if (state_.holder != kNoNode) expires_us_ = now_us + ttl_us_;
}

bool LockService::expire(Time_us now_us) {
  if (state_.holder == kNoNode || now_us < expires_us_) return false;
  state_.holder = kNoNode;
  state_.holder_token = 0;
  return true;
}

LockService::Decision LockService::acquire(NodeId from, Time_us now_us) {
  expire(now_us);
  Decision d;
  if (state_.holder != kNoNode && state_.holder != from) {
    d.holder = state_.holder;
    d.holder_token = state_.holder_token;
    return d;
  }
  ++state_.last_token;
  state_.holder = from;
  state_.holder_token = state_.last_token;
  expires_us_ = now_us + ttl_us_;
  BALLOT_REQUIRE(state_.holder_token == state_.last_token, "the newest token is the holder's");
  d.granted = true;
  d.token = state_.holder_token;
  d.holder = from;
  d.holder_token = d.token;
  return d;
}

LockService::Decision LockService::renew(NodeId from, int64_t token, Time_us now_us) {
  expire(now_us);
  Decision d;
  d.holder = state_.holder;
  d.holder_token = state_.holder != kNoNode ? state_.holder_token : state_.last_token;
  if (state_.holder != from || state_.holder_token != token) return d;
  expires_us_ = now_us + ttl_us_;
  d.granted = true;
  d.token = token;
  return d;
}

}  // namespace ballot::lease
