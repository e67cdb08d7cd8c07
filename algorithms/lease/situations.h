// The situations a lease-lock run can reach (sim/api/situation.h): one table, in the order of the
// enum. The lock service node (service_node.cpp) and the candidates (candidate.cpp) report them at
// the rule that realises each.
#pragma once
#include <array>

#include "sim/api/situation.h"

namespace ballot::lease {

enum class Reached : SituationId {
  WriteAfterExpiry,
  FencingRejection,
  StaleTokenAccepted,
  LeaseExpired,
  RenewalRefused,
  HolderDeadlinePassed,
  GrantTooLate,
  ServiceRestartHonoursLease,
};

inline constexpr std::array<Situation, 8> kSituations = {{
    {"write_after_expiry",
     "A write reached the storage with a token whose lease had already ended by the service's "
     "clock (expired, or granted to another): its holder wrote after its lease, whatever it "
     "believed."},
    {"fencing_rejection",
     "The storage refused an operation or a load because its token was below the highest it had "
     "seen (fencing on)."},
    {"stale_token_accepted",
     "The storage accepted an operation with a token below the highest it had seen (fencing off): "
     "a stale holder's write landed."},
    {"lease_expired",
     "The lock service let a lease expire: its holder had not renewed it for a TTL."},
    {"renewal_refused",
     "The lock service refused a renewal: the lease the node asked to renew had expired or "
     "belonged to another token."},
    {"holder_deadline_passed",
     "A holder stopped acting because its lease deadline passed on its own clock before a renewal "
     "came back (the lease lost, or renewed too late)."},
    {"grant_too_late",
     "A candidate received a grant too late to believe in: its lease would already have ended on "
     "the candidate's own clock."},
    {"service_restart_honours_lease",
     "The lock service restarted with a holder on disk and honoured its lease for a full TTL."},
}};

}  // namespace ballot::lease
