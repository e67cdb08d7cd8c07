#include "algorithms/raft/kv_store.h"

namespace ballot::raft {

std::optional<std::string> KvStore::current(const std::string& key) const {
  auto it = data_.find(key);
  if (it != data_.end()) return it->second;
  if (key.empty()) return std::nullopt;
  return std::string();
}

ApplyResult KvStore::read(const std::string& key) const {
  return {ClientStatus::Ok, current(key), 0};
}

ApplyResult KvStore::apply(const Command& command) {
  switch (command.kind) {
    case CommandKind::Noop:
      return {};
    case CommandKind::Read:
    case CommandKind::Get:
      return read(command.key);
    case CommandKind::Write:
    case CommandKind::Put:
      data_[command.key] = command.value.value_or("");
      return {};
    case CommandKind::Append:
      data_[command.key] += command.value.value_or("");
      return {};
    case CommandKind::Cas:
      if (current(command.key) != command.expected) return {ClientStatus::Fail, std::nullopt, 0};
      data_[command.key] = command.value.value_or("");
      return {};
    case CommandKind::Job:
      if (!jobs_run_.insert(command.period).second) return {ClientStatus::Fail, std::nullopt, 0};
      return {};
    case CommandKind::Id:
      return {ClientStatus::Ok, std::nullopt, ++last_id_};
  }
  return {};
}

ClientResponse answer_waiting_client(uint64_t op_id, const Command& applied,
                                     const ApplyResult& result, NodeId leader) {
  if (applied.is_client_op() && applied.op_id == op_id) {
    return ClientResponse{op_id, result.status, result.value, leader};
  }
  return ClientResponse{op_id, ClientStatus::NotLeader, std::nullopt, leader};
}

void report_duty(Context& ctx, const Command& duty, const ApplyResult& result) {
  if (duty.kind == CommandKind::Job && result.status == ClientStatus::Ok) ctx.job_ran(duty.period);
  if (duty.kind == CommandKind::Id) ctx.id_issued(result.id);
}

}  // namespace ballot::raft
