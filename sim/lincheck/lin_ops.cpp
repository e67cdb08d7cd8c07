// The history as the search sees it: one partition of sequential-specification steps per key.
#include "sim/lincheck/lin_ops.h"

#include <algorithm>
#include <stdexcept>

namespace ballot::lin::detail {
namespace {

// Translates one history operation; false if it cannot constrain anything and is left out
// (failed or unknown reads; failed writes, which did not happen).
bool translate(const Op& op, ValueTable& values, LinOp& out) {
  const bool unknown = op.outcome == Outcome::Info;
  out.call = op.call;
  out.ret = unknown ? kPendingReturn : op.ret;
  switch (op.kind) {
    case OpKind::Read:
    case OpKind::Get:
      if (op.outcome != Outcome::Ok) return false;
      out.kind = StepKind::Read;
      out.arg = values.intern(op.value);
      return true;
    case OpKind::Write:
    case OpKind::Put:
    case OpKind::Append:
      if (op.outcome == Outcome::Fail) return false;
      out.kind = op.kind == OpKind::Append ? StepKind::Append : StepKind::Write;
      out.arg = values.intern(op.value);
      return true;
    case OpKind::Cas:
      out.kind = unknown ? StepKind::CasAny
                         : (op.outcome == Outcome::Ok ? StepKind::CasOk : StepKind::CasFail);
      out.arg = values.intern(op.value);
      out.from = values.intern(op.expected);
      return true;
  }
  return false;
}

}  // namespace

std::map<std::string, Partition> partition_by_key(const History& history, Model model) {
  std::map<std::string, Partition> partitions;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    const Op& op = history.ops[i];
    if (op.outcome != Outcome::Info && op.ret < op.call) {
      throw std::invalid_argument("lincheck: operation " + std::to_string(i) +
                                  " returns before its call");
    }
    auto it = partitions.try_emplace(op.key, model == Model::KeyValue).first;
    LinOp lin_op;
    lin_op.original = i;
    if (translate(op, it->second.values, lin_op)) it->second.ops.push_back(lin_op);
  }
  for (auto& [key, partition] : partitions) {
    std::stable_sort(partition.ops.begin(), partition.ops.end(),
                     [](const LinOp& a, const LinOp& b) { return a.call < b.call; });
  }
  return partitions;
}

}  // namespace ballot::lin::detail
