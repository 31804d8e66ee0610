// PolicyDocument -> compiled statements: action and resource patterns, condition operators and
// constant condition values are parsed once here so that evaluation only compares.
#include "engine/policy_set.h"

#include <utility>

#include "engine/internal/compiled.h"
#include "grammar/number.h"

namespace policysim::engine {
namespace internal {
namespace {

using grammar::OperatorFamily;
using grammar::OperatorKind;
using grammar::TemplatePart;

void appendPiece(std::vector<TextPiece>* pieces, std::string_view text, bool glob) {
  if (text.empty()) {
    return;
  }
  if (!pieces->empty() && pieces->back().glob == glob) {
    pieces->back().text.append(text);
  } else {
    pieces->push_back(TextPiece{std::string(text), glob});
  }
}

// Splits pieces at their first `maxSplits` colons (glob or literal alike: a colon inside a
// substituted ARN still separates ARN fields).
std::vector<std::vector<TextPiece>> splitFields(const std::vector<TextPiece>& pieces,
                                                std::size_t maxSplits) {
  std::vector<std::vector<TextPiece>> fields(1);
  for (const TextPiece& piece : pieces) {
    std::string_view rest = piece.text;
    while (!rest.empty()) {
      const std::size_t colon = fields.size() <= maxSplits ? rest.find(':') : std::string::npos;
      if (colon == std::string_view::npos) {
        appendPiece(&fields.back(), rest, piece.glob);
        break;
      }
      appendPiece(&fields.back(), rest.substr(0, colon), piece.glob);
      fields.emplace_back();
      rest.remove_prefix(colon + 1);
    }
  }
  return fields;
}

}  // namespace

ValueTemplate ValueTemplate::compile(const std::string& text, bool variablesEnabled) {
  ValueTemplate result;
  if (!variablesEnabled || !grammar::mayContainVariables(text)) {
    appendPiece(&result.pieces_, text, true);
    return result;
  }
  auto parsed = grammar::parsePolicyTemplate(text);
  if (!parsed.ok()) {  // validated earlier; treat defensively as literal text
    appendPiece(&result.pieces_, text, true);
    return result;
  }
  for (const TemplatePart& part : parsed.value()) {
    if (part.kind == TemplatePart::Kind::Variable) {
      result.hasVariables_ = true;
    }
  }
  if (result.hasVariables_) {
    result.parts_ = std::move(parsed.value());
    return result;
  }
  for (const TemplatePart& part : parsed.value()) {
    appendPiece(&result.pieces_, part.text, part.kind == TemplatePart::Kind::Text);
  }
  return result;
}

bool ValueTemplate::resolve(const Request& request, std::vector<TextPiece>* out,
                            std::vector<std::string>* missing) const {
  out->clear();
  if (!hasVariables_) {
    *out = pieces_;
    return true;
  }
  bool complete = true;
  for (const TemplatePart& part : parts_) {
    switch (part.kind) {
      case TemplatePart::Kind::Text:
        appendPiece(out, part.text, true);
        break;
      case TemplatePart::Kind::Escaped:
        appendPiece(out, part.text, false);
        break;
      case TemplatePart::Kind::Variable: {
        // Only single-valued keys resolve; substituted text is literal (never a wildcard).
        const ContextValue* value = request.findContext(part.text);
        if (value != nullptr && !value->multivalued && value->values.size() == 1) {
          appendPiece(out, value->values.front(), false);
        } else if (part.defaultValue) {
          appendPiece(out, *part.defaultValue, false);
        } else {
          complete = false;
          if (missing != nullptr) {
            missing->push_back(part.text);
          }
        }
        break;
      }
    }
  }
  return complete;
}

std::string joinPieces(const std::vector<TextPiece>& pieces) {
  std::string out;
  for (const TextPiece& piece : pieces) {
    out += piece.text;
  }
  return out;
}

grammar::WildcardPattern globOf(const std::vector<TextPiece>& pieces) {
  grammar::WildcardPattern pattern;
  for (const TextPiece& piece : pieces) {
    if (piece.glob) {
      pattern.appendGlob(piece.text);
    } else {
      pattern.appendLiteral(piece.text);
    }
  }
  return pattern;
}

ArnPattern compileArnPattern(const std::vector<TextPiece>& pieces, bool allowTailAbsorb) {
  ArnPattern pattern;
  pattern.whole = globOf(pieces);
  const std::vector<std::vector<TextPiece>> fields = splitFields(pieces, 5);
  pattern.isArn = fields.size() > 1 && joinPieces(fields[0]) == "arn";
  if (!pattern.isArn) {
    pattern.valid = true;  // matched as a whole string
    return pattern;
  }
  for (const auto& field : fields) {
    pattern.fields.push_back(globOf(field));
  }
  if (fields.size() == 6) {
    pattern.valid = true;
  } else if (allowTailAbsorb && !fields.back().empty() && fields.back().back().glob &&
             fields.back().back().text.back() == '*') {
    pattern.valid = true;
    pattern.tailAbsorbs = true;
  }
  return pattern;
}

bool decodeBase64(std::string_view text, std::string* out) {
  out->clear();
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else if (c == '=') {
      ++padding;
      continue;
    } else {
      return false;
    }
    if (padding != 0) {
      return false;  // data after padding
    }
    buffer = (buffer << 6U) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  return padding <= 2 && bits < 6;
}

namespace {

class Compiler {
 public:
  explicit Compiler(std::vector<Diagnostic>* diagnostics) : diagnostics_(diagnostics) {}

  CompiledPolicy compilePolicy(const PolicyDocument& document, std::size_t policyIndex) {
    for (const Diagnostic& warning : document.warnings) {
      diagnostics_->push_back(warning);
    }
    CompiledPolicy policy;
    policy.kind = document.kind;
    policy.name = document.name;
    const bool variables = document.version == PolicyVersion::V2012_10_17;
    for (const Statement& statement : document.statements) {
      policy.statements.push_back(compileStatement(document, policyIndex, statement, variables));
    }
    policy.index = buildIndex(policy.statements);
    return policy;
  }

 private:
  CompiledStatement compileStatement(const PolicyDocument& document, std::size_t policyIndex,
                                     const Statement& statement, bool variables) {
    CompiledStatement out;
    out.ref = StatementRef{document.kind, policyIndex,      document.name,     statement.index,
                           statement.sid, statement.effect, statement.location};
    out.effect = statement.effect;
    out.notAction = statement.notAction;
    for (const PolicyValue& action : statement.actions) {
      out.actions.push_back(compileAction(action.text));
    }
    out.hasResource = statement.hasResource;
    out.notResource = statement.notResource;
    for (const PolicyValue& resource : statement.resources) {
      ResourcePattern pattern;
      pattern.written = resource.text;
      pattern.any = resource.text == "*";
      pattern.text = ValueTemplate::compile(resource.text, variables);
      if (!pattern.text.hasVariables()) {
        pattern.constant = compileArnPattern(pattern.text.constantPieces(), true);
        if (!pattern.constant.valid) {
          warn(resource.location, "resource \"" + resource.text +
                                      "\" has fewer than six ARN fields and no trailing '*': "
                                      "it matches nothing");
        }
      }
      out.resources.push_back(std::move(pattern));
    }
    out.hasPrincipal = statement.hasPrincipal;
    out.notPrincipal = statement.notPrincipal;
    out.principals = statement.principals;
    for (const ConditionEntry& entry : statement.conditions) {
      out.conditions.push_back(compileCondition(entry, variables, &out.problems));
    }
    return out;
  }

  static ActionPattern compileAction(const std::string& text) {
    ActionPattern pattern;
    pattern.text = text;
    if (text == "*") {
      pattern.any = true;
      return pattern;
    }
    const std::string lowered = toLowerAscii(text);
    const std::size_t colon = lowered.find(':');
    pattern.service = lowered.substr(0, colon);
    pattern.name = grammar::WildcardPattern::fromGlob(
        colon == std::string::npos ? std::string_view()
                                   : std::string_view(lowered).substr(colon + 1));
    return pattern;
  }

  CompiledCondition compileCondition(const ConditionEntry& entry, bool variables,
                                     std::vector<std::string>* problems) {
    CompiledCondition condition;
    condition.op = entry.op;
    condition.family = grammar::operatorFamily(entry.op.kind);
    condition.negated = grammar::isNegated(entry.op.kind);
    condition.key = toLowerAscii(entry.key);
    condition.keyWritten = entry.key;
    condition.operatorName = entry.operatorName;
    for (const PolicyValue& value : entry.values) {
      std::string problem;
      condition.values.push_back(compileValue(condition, value, variables, &problem));
      if (!problem.empty()) {
        const std::string message = entry.operatorName + " on " + entry.key + ": " + problem +
                                    " (the statement fails closed)";
        warn(value.location, message);
        problems->push_back(message);
      }
    }
    return condition;
  }

  static ConditionValue compileValue(const CompiledCondition& condition, const PolicyValue& value,
                                     bool variables, std::string* problem) {
    ConditionValue out;
    out.written = value.text;
    const bool hasVariables = variables && value.kind == PolicyValue::Kind::String &&
                              grammar::mayContainVariables(value.text);
    if (hasVariables && condition.family != OperatorFamily::String &&
        condition.family != OperatorFamily::Arn) {
      *problem = "policy variables are allowed only in String and Arn condition values";
      return out;
    }
    switch (condition.family) {
      case OperatorFamily::String: {
        out.text = ValueTemplate::compile(value.text, variables);
        if (!out.text.hasVariables()) {
          const auto& pieces = out.text.constantPieces();
          if (condition.op.kind == OperatorKind::StringLike ||
              condition.op.kind == OperatorKind::StringNotLike) {
            out.constantGlob = globOf(pieces);
          } else {
            out.constantText = joinPieces(pieces);
          }
        }
        break;
      }
      case OperatorFamily::Arn:
        out.text = ValueTemplate::compile(value.text, variables);
        if (!out.text.hasVariables()) {
          out.constantArn = compileArnPattern(out.text.constantPieces(), false);
          if (!out.constantArn.isArn || !out.constantArn.valid) {
            *problem = "\"" + value.text + "\" is not an ARN with six fields";
          }
        }
        break;
      case OperatorFamily::Numeric: {
        auto parsed = grammar::parseDecimal(value.text);
        if (!parsed.ok()) {
          *problem = "\"" + value.text + "\" is not a decimal number";
        } else {
          out.number = parsed.value();
        }
        break;
      }
      case OperatorFamily::Date: {
        auto parsed = grammar::parseDate(value.text);
        if (!parsed.ok()) {
          *problem = "\"" + value.text + "\" is not an ISO 8601 date or epoch seconds";
        } else {
          out.date = parsed.value();
        }
        break;
      }
      case OperatorFamily::Bool:
      case OperatorFamily::Null: {
        const std::string lowered = toLowerAscii(value.text);
        if (lowered != "true" && lowered != "false") {
          *problem = "\"" + value.text + "\" is not true or false";
        }
        out.boolean = lowered == "true";
        break;
      }
      case OperatorFamily::Binary:
        if (!decodeBase64(value.text, &out.bytes)) {
          *problem = "\"" + value.text + "\" is not base64";
        }
        break;
      case OperatorFamily::Ip: {
        auto parsed = grammar::parseCidr(value.text);
        if (!parsed.ok()) {
          *problem = "\"" + value.text + "\" is not an IP address or CIDR block";
        } else {
          out.network = parsed.value();
        }
        break;
      }
    }
    if (condition.op.kind == OperatorKind::StringEqualsIgnoreCase ||
        condition.op.kind == OperatorKind::StringNotEqualsIgnoreCase) {
      out.constantText = toLowerAscii(out.constantText);
    }
    return out;
  }

  static ActionIndex buildIndex(const std::vector<CompiledStatement>& statements) {
    ActionIndex index;
    auto add = [](std::vector<std::uint32_t>* list, std::uint32_t i) {
      if (list->empty() || list->back() != i) {
        list->push_back(i);
      }
    };
    for (std::uint32_t i = 0; i < statements.size(); ++i) {
      const CompiledStatement& statement = statements[i];
      if (statement.notAction) {
        add(&index.always, i);
        continue;
      }
      for (const ActionPattern& action : statement.actions) {
        if (action.any) {
          add(&index.always, i);
        } else if (action.name.hasWildcards()) {
          add(&index.byService[action.service], i);
        } else {
          add(&index.exact[toLowerAscii(action.text)], i);
        }
      }
    }
    return index;
  }

  void warn(const SourceLocation& location, std::string message) {
    diagnostics_->push_back(Diagnostic{Severity::Warning, location, std::move(message)});
  }

  std::vector<Diagnostic>* diagnostics_;
};

}  // namespace
}  // namespace internal

PolicySet::PolicySet(std::unique_ptr<internal::CompiledSet> compiled)
    : compiled_(std::move(compiled)) {}

PolicySet::~PolicySet() = default;

Result<std::shared_ptr<const PolicySet>> PolicySet::compile(PolicySetInput input) {
  auto compiled = std::make_unique<internal::CompiledSet>();
  internal::Compiler compiler(&compiled->diagnostics);
  auto expectKind = [](const PolicyDocument& document, PolicyKind kind) -> Status {
    if (document.kind != kind) {
      return Status::invalidArgument("policy " + document.name + " was parsed as a " +
                                     policyKindName(document.kind) + " policy but is used as a " +
                                     policyKindName(kind) + " policy");
    }
    return Status();
  };
  for (std::size_t i = 0; i < input.identity.size(); ++i) {
    if (Status s = expectKind(input.identity[i], PolicyKind::Identity); !s.ok()) {
      return s;
    }
    compiled->identity.push_back(compiler.compilePolicy(input.identity[i], i));
  }
  for (std::size_t i = 0; i < input.scps.size(); ++i) {
    if (Status s = expectKind(input.scps[i], PolicyKind::Scp); !s.ok()) {
      return s;
    }
    compiled->scps.push_back(compiler.compilePolicy(input.scps[i], i));
  }
  const std::pair<std::optional<PolicyDocument>*, std::optional<internal::CompiledPolicy>*>
      singles[] = {{&input.resource, &compiled->resource},
                   {&input.boundary, &compiled->boundary},
                   {&input.session, &compiled->session}};
  const PolicyKind singleKinds[] = {PolicyKind::Resource, PolicyKind::Boundary,
                                    PolicyKind::Session};
  for (std::size_t i = 0; i < 3; ++i) {
    if (singles[i].first->has_value()) {
      if (Status s = expectKind(**singles[i].first, singleKinds[i]); !s.ok()) {
        return s;
      }
      *singles[i].second = compiler.compilePolicy(**singles[i].first, 0);
    }
  }
  return std::shared_ptr<const PolicySet>(new PolicySet(std::move(compiled)));
}

Decision PolicySet::evaluate(const Request& request, bool explain) const {
  return internal::evaluateSet(*compiled_, request, explain);
}

const std::vector<Diagnostic>& PolicySet::diagnostics() const { return compiled_->diagnostics; }

}  // namespace policysim::engine
