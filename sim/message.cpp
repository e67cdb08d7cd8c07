#include "sim/message.h"

#include "sim/node_api.h"

namespace ballot {

const char* role_name(Role role) {
  switch (role) {
    case Role::Follower: return "follower";
    case Role::Candidate: return "candidate";
    case Role::Leader: return "leader";
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
