// The algorithm toolkit (algorithms/kit/): dispatch by message key, fields declared once, and the
// small role helpers. (Named timers are exercised by every algorithm's traces: the golden hashes.)
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "algorithms/kit/dispatch.h"
#include "algorithms/kit/fields.h"
#include "algorithms/kit/replica.h"
#include "algorithms/paxos/messages.h"
#include "algorithms/raft/messages.h"

using namespace ballot;

namespace {

// Records fields as "key=value" lines, objects and lists as brackets.
class TextSink final : public FieldSink {
 public:
  std::vector<std::string> lines;
  void put_int(std::string_view key, int64_t value) override {
    lines.push_back(std::string(key) + "=" + std::to_string(value));
  }
  void put_str(std::string_view key, std::string_view value) override {
    lines.push_back(std::string(key) + "=\"" + std::string(value) + "\"");
  }
  void put_bool(std::string_view key, bool value) override {
    lines.push_back(std::string(key) + "=" + (value ? "true" : "false"));
  }
  void begin_list(std::string_view key) override { lines.push_back(std::string(key) + "=["); }
  void end_list() override { lines.push_back("]"); }
  void begin_obj(std::string_view key) override { lines.push_back(std::string(key) + "={"); }
  void end_obj() override { lines.push_back("}"); }
};

std::vector<std::string> text_of(const Message& msg) {
  TextSink sink;
  msg.fields(sink);
  return sink.lines;
}

}  // namespace

TEST_CASE("kit: visit calls the handler of the message's own type and only that one") {
  const raft::PreVote pre_vote;
  const raft::AppendEntriesReply reply;
  std::vector<std::string> seen;
  auto record = [&](const auto& m) { seen.emplace_back(m.kType); };
  CHECK(raft::Messages::visit(pre_vote, record));
  CHECK(raft::Messages::visit(reply, record));
  CHECK(seen == std::vector<std::string>{"PreVote", "AppendEntriesReply"});
  // A message of another algorithm is no Raft message, even with a type name Raft could have.
  const paxos::Heartbeat paxos_heartbeat;
  CHECK_FALSE(raft::Messages::visit(paxos_heartbeat, record));
  CHECK_FALSE(raft::Messages::contains(paxos_heartbeat));
  CHECK(seen.size() == 2);
}

TEST_CASE("kit: message_as tells types apart by key, clones included") {
  raft::RequestVote vote;
  vote.term = 7;
  const std::unique_ptr<Message> copy = vote.clone();
  REQUIRE(kit::message_as<raft::RequestVote>(*copy) != nullptr);
  CHECK(kit::message_as<raft::RequestVote>(*copy)->term == 7);
  CHECK(kit::message_as<raft::PreVote>(*copy) == nullptr);
  CHECK(kit::message_as<raft::PreVote>(static_cast<const Message*>(nullptr)) == nullptr);
  CHECK(message_key<raft::RequestVote>() != message_key<raft::PreVote>());
}

TEST_CASE("kit: RequestVote and PreVote write the fields of one declaration") {
  raft::RequestVote vote;
  vote.term = 3;
  vote.candidate_id = 1;  // written 1-based: n2
  vote.last_log_index = 5;
  vote.last_log_term = 2;
  raft::PreVote pre_vote;
  static_cast<raft::VoteRequestFields&>(pre_vote) = vote;
  const std::vector<std::string> expected = {"term=3", "candidate_id=2", "last_log_index=5",
                                             "last_log_term=2"};
  CHECK(text_of(vote) == expected);
  CHECK(text_of(pre_vote) == expected);
  raft::RequestVote no_candidate;
  CHECK(text_of(no_candidate)[1] == "candidate_id=0");
}

TEST_CASE("kit: lists and objects of declared fields") {
  raft::AppendEntries append;
  append.term = 2;
  append.entries.push_back(raft::LogEntry{2, raft::Command{}});
  const std::vector<std::string> lines = text_of(append);
  REQUIRE(lines.size() >= 6);
  CHECK(lines[4] == "entries=[");
  CHECK(lines[5] == "={");
  CHECK(lines[6] == "term=2");
  CHECK(lines.back() == "sent_us=0");
}

TEST_CASE("kit: field_schema lists names and kinds without a message") {
  const std::vector<kit::FieldInfo> schema = kit::field_schema<raft::VoteRequestFields>();
  REQUIRE(schema.size() == 4);
  CHECK(schema[0].name == "term");
  CHECK(schema[0].kind == kit::FieldKind::Int);
  CHECK(schema[1].name == "candidate_id");
  CHECK(schema[1].kind == kit::FieldKind::Node);
  CHECK(std::string(kit::field_kind_name(schema[1].kind)) == "node");
  const std::vector<kit::FieldInfo> append = kit::field_schema<raft::AppendEntries>();
  REQUIRE(append.size() == 7);
  CHECK(append[4].kind == kit::FieldKind::List);
}

TEST_CASE("kit: Waiting hands out each position once") {
  kit::Waiting<uint64_t> waiting;
  waiting.add(3, 17);
  waiting.add(4, 18);
  CHECK(waiting.take(2) == std::nullopt);
  CHECK(waiting.take(3) == std::optional<uint64_t>(17));
  CHECK(waiting.take(3) == std::nullopt);
  CHECK_FALSE(waiting.empty());
  CHECK(waiting.take(4) == std::optional<uint64_t>(18));
  CHECK(waiting.empty());
}

TEST_CASE("kit: majority") {
  CHECK(kit::majority(1) == 1);
  CHECK(kit::majority(4) == 3);
  CHECK(kit::majority(5) == 3);
}
