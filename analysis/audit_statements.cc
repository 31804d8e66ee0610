#include "analysis/internal/audit_statements.h"

#include <utility>

namespace policysim::analysis::internal {

using engine::PolicyDocument;
using engine::PolicyKind;

std::vector<PolicyStatement> allStatements(const engine::PolicySetInput& input) {
  std::vector<PolicyStatement> out;
  auto addDocument = [&](const PolicyDocument& document, PolicyKind kind, std::size_t index) {
    for (const engine::Statement& statement : document.statements) {
      out.push_back(PolicyStatement{&document, kind, index, &statement});
    }
  };
  for (std::size_t i = 0; i < input.identity.size(); ++i) {
    addDocument(input.identity[i], PolicyKind::Identity, i);
  }
  if (input.resource) {
    addDocument(*input.resource, PolicyKind::Resource, 0);
  }
  if (input.boundary) {
    addDocument(*input.boundary, PolicyKind::Boundary, 0);
  }
  for (std::size_t i = 0; i < input.scps.size(); ++i) {
    addDocument(input.scps[i], PolicyKind::Scp, i);
  }
  if (input.session) {
    addDocument(*input.session, PolicyKind::Session, 0);
  }
  return out;
}

const engine::StatementRef* firstGrant(const engine::Decision& decision) {
  for (const engine::StatementRef& ref : decision.matchedStatements) {
    if (ref.policyKind != PolicyKind::Session) {
      return &ref;
    }
  }
  return decision.matchedStatements.empty() ? nullptr : &decision.matchedStatements.front();
}

std::size_t StatementTable::add(const PolicyStatement& statement) {
  const engine::Statement& st = *statement.statement;
  const Key key{static_cast<int>(statement.kind), statement.policyIndex, st.index};
  if (auto it = index_.find(key); it != index_.end()) {
    return it->second;
  }
  AuditStatement s;
  s.policy = statement.document->name;
  s.policyKind = statement.kind;
  s.index = st.index;
  s.sid = st.sid;
  s.effect = st.effect;
  s.line = st.position.line;
  s.column = st.position.column;
  return append(key, std::move(s));
}

std::size_t StatementTable::add(const engine::StatementRef& ref) {
  const Key key{static_cast<int>(ref.policyKind), ref.policyIndex, ref.statementIndex};
  if (key == lastRef_) {
    return lastRefIndex_;
  }
  std::size_t result = 0;
  if (auto it = index_.find(key); it != index_.end()) {
    result = it->second;
  } else {
    AuditStatement s;
    s.policy = std::string(ref.policyName);
    s.policyKind = ref.policyKind;
    s.index = ref.statementIndex;
    s.sid = std::string(ref.sid);
    s.effect = ref.effect;
    s.line = ref.line;
    s.column = ref.column;
    result = append(key, std::move(s));
  }
  lastRef_ = key;
  lastRefIndex_ = result;
  return result;
}

std::size_t StatementTable::rootUser() {
  if (!rootUser_) {
    AuditStatement s;
    s.policy = "(root user: allowed everything in its own account)";
    out_->push_back(std::move(s));
    rootUser_ = out_->size() - 1;
  }
  return *rootUser_;
}

std::size_t StatementTable::append(const Key& key, AuditStatement statement) {
  out_->push_back(std::move(statement));
  index_.emplace(key, out_->size() - 1);
  return out_->size() - 1;
}

}  // namespace policysim::analysis::internal
