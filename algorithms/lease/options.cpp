#include "algorithms/lease/options.h"

#include <string>
#include <vector>

#include "sim/api/input_error.h"
#include "sim/api/trace.h"

namespace ballot::lease {

namespace {

constexpr Time_us kDurationMin_us = 1 * kMillisecond_us;
constexpr Time_us kDurationMax_us = 3600 * kSecond_us;

std::string lesser(const std::string& what, Time_us bound_us, Time_us got_us) {
  return "expected less than " + what + " (" + format_duration(bound_us) + "), got " +
         format_duration(got_us);
}

}  // namespace

LeaseOptions read_lease_options(Params& params, int32_t cluster_size) {
  LeaseOptions o;
  if (cluster_size < 2) {
    throw InputError(params.path(),
                     "the lease lock needs at least 2 nodes (a lock service and a "
                     "candidate), got " +
                         std::to_string(cluster_size));
  }
  std::vector<std::string> names;
  for (NodeId id = 0; id < cluster_size; ++id) names.push_back(node_name(id));
  const std::string lock = params.get_enum("lock_node", names.front(), names);
  for (NodeId id = 0; id < cluster_size; ++id)
    if (names[static_cast<size_t>(id)] == lock) o.lock_node = id;
  o.ttl_us = params.get_duration_us("ttl", o.ttl_us, kDurationMin_us, kDurationMax_us);
  o.renew_interval_us = params.get_duration_us("renew_interval", o.renew_interval_us,
                                               kDurationMin_us, kDurationMax_us);
  o.acquire_retry_us =
      params.get_duration_us("acquire_retry", o.acquire_retry_us, kDurationMin_us, kDurationMax_us);
  o.clock_drift_margin_us =
      params.get_duration_us("clock_drift_margin", o.clock_drift_margin_us, 0, kDurationMax_us);
  o.fencing = params.get_bool("fencing", o.fencing);
  o.bugs.volatile_token_counter = params.get_bool("bugs.volatile_token_counter", false);
  if (o.clock_drift_margin_us >= o.ttl_us) {
    throw InputError(params.path() + ".clock_drift_margin",
                     lesser("ttl", o.ttl_us, o.clock_drift_margin_us) +
                         ": a holder must believe in its lease for some time");
  }
  if (o.renew_interval_us >= o.belief_us()) {
    throw InputError(params.path() + ".renew_interval",
                     lesser("ttl - clock_drift_margin", o.belief_us(), o.renew_interval_us) +
                         ": the holder must renew before it stops believing it holds the lease");
  }
  params.finish();
  return o;
}

}  // namespace ballot::lease
