// The situations a Raft run can reach (sim/api/situation.h): one table, in the order of the enum.
// Each is reported by RaftNode (node.cpp) at the rule that realises it.
#pragma once
#include <array>

#include "sim/api/situation.h"

namespace ballot::raft {

enum class Reached : SituationId {
  SplitVote,
  PreVoteRefused,
  VoteRefusedStaleLog,
  DisruptiveVoteIgnored,
  CheckQuorumStepDown,
  LeaderDeposedUncommitted,
  StaleLeaderRejected,
  AppendConsistencyFailed,
  FollowerLogTruncated,
  OldTermCommittedIndirectly,
  OldTermCommittedByCount,
  LeaseRead,
};

inline constexpr std::array<Situation, 12> kSituations = {{
    {"split_vote",
     "A candidate's election timeout elapsed before it won or heard from a leader of its term, so "
     "it stood again in a new term: the votes were split or lost (Figure 2, Candidates)."},
    {"pre_vote_refused",
     "A node refused a PreVote: the term asked about was not newer than its own, the "
     "pre-candidate's log was behind, or it had heard from a leader recently (thesis 9.6)."},
    {"vote_refused_stale_log",
     "A node with no vote cast in the term refused a RequestVote because the candidate's log was "
     "less up-to-date than its own (the election restriction, 5.4.1)."},
    {"disruptive_vote_ignored",
     "A node ignored a RequestVote of a higher term because it had heard from a leader within the "
     "minimum election timeout (ignore_disruptive_votes, thesis 4.2.3)."},
    {"check_quorum_step_down",
     "A leader stepped down because no majority had answered it within an election timeout "
     "(check_quorum, thesis 6.2)."},
    {"leader_deposed_uncommitted",
     "A leader stepped down (a higher term or check-quorum) while its log held entries beyond its "
     "commit index, whose fate it no longer decides."},
    {"stale_leader_rejected",
     "A node refused an AppendEntries from a leader of an older term (AppendEntries rule 1)."},
    {"append_consistency_failed",
     "A follower refused an AppendEntries because its log had no entry at prevLogIndex with "
     "prevLogTerm (rule 2), so the leader backs up nextIndex."},
    {"follower_log_truncated",
     "A follower deleted an entry that conflicted with the leader's (same index, other term) and "
     "all that followed it (AppendEntries rule 3)."},
    {"old_term_committed_indirectly",
     "A leader committed entries of earlier terms by committing an entry of its own term after "
     "them (5.4.2)."},
    {"old_term_committed_by_count",
     "A leader committed an entry of an earlier term by counting its replicas, the unsafe rule of "
     "Figure 8 (only with bugs.commit_old_term_by_count)."},
    {"lease_read",
     "A leader answered a read alone under its leader lease, without a log round (lease_reads, "
     "thesis 6.4.1)."},
}};

}  // namespace ballot::raft
