// Random case generator for the differential test. The vocabularies below are small on purpose:
// two accounts, a handful of callers, actions, resources and condition keys, so that random
// statements match random requests often enough to exercise every rule.
#include "tests/reference/random_cases.h"

#include <cstddef>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace policysim::reference {
namespace {

// ---------------------------------------------------------------------------------------------
// JSON text.

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char* hex = "0123456789abcdef";
      out += "\\u00";
      out += hex[(static_cast<unsigned char>(c) >> 4U) & 0xFU];
      out += hex[static_cast<unsigned char>(c) & 0xFU];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string stringList(const std::vector<std::string>& values) {
  if (values.size() == 1) return quote(values[0]);
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i > 0 ? "," : "") + quote(values[i]);
  return out + "]";
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Randomness. Own helpers instead of std::uniform_int_distribution, whose algorithm differs
// between standard libraries: the same seed must give the same cases everywhere.

class Rand {
 public:
  explicit Rand(std::mt19937_64& rng) : rng_(rng) {}
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }
  std::string pickOf(std::initializer_list<const char*> items) {
    return *(items.begin() + below(items.size()));
  }
  // Index drawn with the given weights.
  std::size_t weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    std::size_t roll = below(static_cast<std::size_t>(total));
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (roll < static_cast<std::size_t>(weights[i])) return i;
      roll -= static_cast<std::size_t>(weights[i]);
    }
    return weights.size() - 1;
  }

 private:
  std::mt19937_64& rng_;
};

// ---------------------------------------------------------------------------------------------
// Vocabularies.

constexpr const char* kOwn = "111122223333";
constexpr const char* kForeign = "444455556666";

struct CallerDef {
  const char* arn;           // "" = none named (anonymous, or the simulator's caller)
  const char* username;      // aws:username, or nullptr
  const char* principalArn;  // aws:PrincipalArn, or nullptr
  const char* account;
  const char* type;  // aws:PrincipalType
  const char* userid;
  enum class Kind { User, RoleSession, Federated, Root, Anonymous, Unnamed } kind;
  int weight;
};

const std::vector<CallerDef>& callers() {
  static const std::vector<CallerDef> list = {
      {"arn:aws:iam::111122223333:user/alice", "alice", "arn:aws:iam::111122223333:user/alice",
       kOwn, "User", "AIDAALICE", CallerDef::Kind::User, 24},
      {"arn:aws:iam::111122223333:user/division/bob", "bob",
       "arn:aws:iam::111122223333:user/division/bob", kOwn, "User", "AIDABOB",
       CallerDef::Kind::User, 10},
      {"arn:aws:sts::111122223333:assumed-role/Admin/s1", nullptr,
       "arn:aws:iam::111122223333:role/Admin", kOwn, "AssumedRole", "AROAADMIN:s1",
       CallerDef::Kind::RoleSession, 20},
      {"arn:aws:sts::111122223333:federated-user/alice", nullptr,
       "arn:aws:sts::111122223333:federated-user/alice", kOwn, "FederatedUser",
       "111122223333:alice", CallerDef::Kind::Federated, 8},
      {"arn:aws:iam::111122223333:root", nullptr, "arn:aws:iam::111122223333:root", kOwn, "Account",
       "111122223333", CallerDef::Kind::Root, 6},
      {"", nullptr, nullptr, "", "Anonymous", "anonymous", CallerDef::Kind::Anonymous, 8},
      // No principal named: the simulator's caller, a user of the resource's account (§4.8a).
      {"", nullptr, nullptr, kOwn, "User", "AIDAUNNAMED", CallerDef::Kind::Unnamed, 8},
      // A service-linked role's session: no SCP restricts it (§4.7).
      {"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/s3", nullptr,
       "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/"
       "AWSServiceRoleForSupport",
       kOwn, "AssumedRole", "AROASUPPORT:s3", CallerDef::Kind::RoleSession, 5},
      {"arn:aws:iam::444455556666:user/eve", "eve", "arn:aws:iam::444455556666:user/eve", kForeign,
       "User", "AIDAEVE", CallerDef::Kind::User, 10},
      {"arn:aws:sts::444455556666:assumed-role/Ops/s2", nullptr,
       "arn:aws:iam::444455556666:role/Ops", kForeign, "AssumedRole", "AROAOPS:s2",
       CallerDef::Kind::RoleSession, 8},
  };
  return list;
}

struct ServiceVocab {
  std::string service;
  std::vector<std::string> requestActions;
  std::vector<std::string> actionPatterns;
  std::vector<std::string> requestResources;
  std::vector<std::string> resourcePatterns;
};

const std::vector<ServiceVocab>& services() {
  static const std::vector<ServiceVocab> list = {
      {"s3",
       {"s3:GetObject", "s3:PutObject", "s3:ListAllMyBuckets", "s3:DeleteBucket", "s3:getobject"},
       {"s3:*", "s3:Get*", "s3:GetObject", "s3:get*", "S3:GetObject", "s3:GetObjec?",
        "s3:PutObject", "s3:List*", "s3:*Object", "s3:DeleteBucket", "s3:?*Bucket*"},
       {"arn:aws:s3:::prod-bucket/home/alice/file.txt", "arn:aws:s3:::prod-bucket/home/bob/x",
        "arn:aws:s3:::b-red/doc", "arn:aws:s3:::b-shared/doc", "arn:aws:s3:::prod-bucket",
        "arn:aws:s3:::Prod-bucket/x", "arn:aws:s3:::b-red/\xc3\xa9",
        "arn:aws:s3:::prod-bucket/home/*/x", "arn:aws:s3:::prod-bucket//alice/x"},
       {"arn:aws:s3:::prod-bucket/*", "arn:aws:s3:::prod-bucket/home/${aws:username}/*",
        "arn:aws:s3:::b-${aws:PrincipalTag/team, 'shared'}/*",
        "arn:aws:s3:::b-${aws:PrincipalTag/team}/*", "arn:aws:s3:::*", "arn:aws:s3:*",
        "arn:aws:s3:::prod-bucket", "arn:aws:s3:::Prod-bucket/*", "arn:aws:s3:::b-red/?",
        "arn:aws:s3:::prod-bucket/home/${*}/x", "arn:aws:s3:::prod-bucket/*/alice/*",
        "arn:aws:s3:::b-red/doc", "arn:aws:s3:::prod-bucket/home/${aws:username}", "arn:aws:s3",
        "arn:aws:s3:::prod-bucket/home/alice/file.txt", "arn:aws:s3:::b-red/???"}},
      {"iam",
       {"iam:CreateAccessKey", "iam:ChangePassword", "IAM:createaccesskey"},
       {"iam:*", "iam:?reate*", "iam:CreateAccessKey", "iam:*AccessKey*", "iam:ChangePassword",
        "iam:Get*"},
       {"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/division/bob",
        "arn:aws:iam::444455556666:user/eve"},
       {"arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::111122223333:user/*",
        "arn:aws:iam::111122223333:user/division*", "arn:aws:iam::*:user/alice",
        "arn:aws:iam::111122223333:*", "arn:aws:iam::${aws:PrincipalAccount}:user/*"}},
      {"ec2",
       {"ec2:StopInstances", "ec2:TerminateInstances"},
       {"ec2:*", "ec2:StopInstances", "ec2:*Instances", "ec2:Stop*", "ec2:Terminate*"},
       {"arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",
        "arn:aws:ec2:eu-west-1:444455556666:instance/i-9"},
       {"arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-*", "arn:aws:ec2:u*1*",
        "arn:aws:ec2:u*3*", "arn:aws:ec2:*:*:instance/i-0abc", "arn:aws:ec2:eu-west-1:*:*",
        "arn:aws:ec2:*:111122223333"}},
      {"sts",
       {"sts:AssumeRole", "sts:AssumeRoleWithSAML"},
       {"sts:AssumeRole", "sts:AssumeRole*", "sts:*"},
       {"arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::444455556666:role/Ops"},
       {"arn:aws:iam::111122223333:role/*", "arn:aws:iam::*:role/Admin",
        "arn:aws:iam::444455556666:role/Ops"}},
      {"kms",
       {"kms:Decrypt"},
       {"kms:*", "kms:Decrypt", "kms:De*"},
       {"arn:aws:kms:us-east-1:111122223333:key/k1", "arn:aws:kms:us-east-1:444455556666:key/k2"},
       {"arn:aws:kms:*:111122223333:key/*", "arn:aws:kms:us-east-1:*:key/k?"}},
      {"sqs",
       {"sqs:SendMessage"},
       {"sqs:*", "sqs:SendMessage"},
       {"arn:aws:sqs:us-east-1:111122223333:queue1", "arn:aws:sqs:us-east-1:111122223333:q:extra"},
       {"arn:aws:sqs:*:*:q*", "arn:aws:sqs:us-east-1:111122223333:q:*",
        "arn:aws:sqs:us-east-1:111122223333:queue1"}},
  };
  return list;
}

// Principal entries a resource-based policy may name.
const std::vector<PrincipalSpec>& principalVocab() {
  static const std::vector<PrincipalSpec> list = {
      {"AWS", "111122223333"},
      {"AWS", "arn:aws:iam::111122223333:root"},
      {"AWS", "arn:aws:iam::111122223333:user/alice"},
      {"AWS", "arn:aws:iam::111122223333:user/division/bob"},
      {"AWS", "arn:aws:iam::111122223333:role/Admin"},
      {"AWS", "arn:aws:sts::111122223333:assumed-role/Admin/s1"},
      {"AWS", "arn:aws:sts::111122223333:federated-user/alice"},
      {"AWS", "444455556666"},
      {"AWS", "arn:aws:iam::444455556666:root"},
      {"AWS", "arn:aws:iam::444455556666:user/eve"},
      {"AWS", "arn:aws:iam::444455556666:role/Ops"},
      {"AWS", "arn:aws:sts::444455556666:assumed-role/Ops/s2"},
      {"AWS", "arn:aws:iam::111122223333:user/Alice"},
      {"Service", "ec2.amazonaws.com"},
  };
  return list;
}

// Condition keys by operator family, with the policy values each family draws from (JSON
// texts). Values marked bad are ones the operator cannot read (§3.5), kept rare.
enum class Family { String, Numeric, Date, Bool, Binary, Ip, Arn, Null };

struct KeyVocab {
  std::string key;
  std::vector<std::string> policyValues;  // JSON scalars that suit this key
};

const std::vector<KeyVocab>& stringKeys() {
  static const std::vector<KeyVocab> list = {
      {"aws:PrincipalTag/team",
       {"\"red\"", "\"blue\"", "\"Red\"", "\"r*\"", "\"r?d\"", "\"*\"", "\"${aws:username}\"",
        "\"${aws:PrincipalTag/team}\"", "\"${aws:PrincipalTag/team, 'red'}\""}},
      {"aws:PrincipalTag/Team", {"\"red\"", "\"RED\"", "\"b*\""}},
      {"aws:username",
       {"\"alice\"", "\"bob\"", "\"Alice\"", "\"a*\"", "\"${aws:username}\"",
        "\"${aws:PrincipalTag/team, 'alice'}\"", "\"${aws:PrincipalTag/team}\""}},
      {"aws:PrincipalArn",
       {"\"arn:aws:iam::111122223333:user/alice\"", "\"arn:aws:iam::111122223333:role/Admin\"",
        "\"arn:aws:iam::111122223333:*\"", "\"arn:aws:iam::*:role/*\""}},
      {"aws:PrincipalAccount",
       {"\"111122223333\"", "\"444455556666\"", "111122223333", "\"1111*\""}},
      {"aws:ResourceAccount",
       {"\"111122223333\"", "\"444455556666\"", "\"${aws:PrincipalAccount}\""}},
      {"aws:RequestedRegion", {"\"us-east-1\"", "\"eu-*\"", "\"us-?ast-1\"", "\"US-EAST-1\""}},
      {"s3:prefix",
       {"\"\"", "\"home/\"", "\"home/${aws:username}/*\"", "\"home/*\"", "\"${*}\"", "\"${$}x\"",
        "\"home/${aws:username}/\""}},
      {"aws:TagKeys", {"\"a\"", "\"b\"", "\"A\"", "\"c*\"", "\"?\""}},
      {"aws:userid", {"\"AIDA*\"", "\"*:s1\"", "\"AIDAALICE\"", "\"anonymous\""}},
      {"aws:MultiFactorAuthPresent", {"\"true\"", "\"false\""}},
      {"s3:max-keys", {"\"10\"", "\"10.0\""}},
  };
  return list;
}

const std::vector<KeyVocab>& familyKeys(Family family) {
  static const std::vector<KeyVocab> numeric = {
      // Values next to the request's (1800, 1800.25, ...) so that an off-by-a-little comparison
      // changes decisions.
      {"aws:MultiFactorAuthAge",
       {"\"1800\"", "3600", "\"100\"", "\"2700.5\"", "\"-3\"", "0", "\"1800.0\"", "\"1799.99\"",
        "\"01800\"", "1800.25"}},
      {"s3:max-keys", {"\"10\"", "10", "\"9.5\"", "\"10.0\"", "\"-3\""}},
      {"aws:EpochTime", {"1577836800", "\"1700000000\""}},
  };
  static const std::vector<KeyVocab> date = {
      // Many spellings of instants next to 2026-11-22T10:00:00Z (the request's usual time), so
      // that time zones, fractions and epoch seconds decide comparisons.
      {"aws:CurrentTime",
       {"\"2020-01-01\"", "\"2020-01-01T00:00:00Z\"", "\"2026-11-22T10:00:00Z\"",
        "\"2017-12-31T23:59:59Z\"", "\"2026\"", "\"2020-01-01T02:00:00+02:00\"", "1600000000",
        "\"1700000000\"", "\"2019-06\"", "\"2026-11-22T12:00+02:00\"",
        "\"2026-11-22T09:00:00-01:00\"", "\"2026-11-22T10:00:00.5Z\"", "\"2026-11-22T10:30Z\"",
        "1795341600"}},
      {"aws:TokenIssueTime", {"\"2026-11-22T09:00:00Z\"", "\"2020-01-01\""}},
      {"aws:EpochTime", {"\"2020-01-01\"", "1577836800"}},
  };
  static const std::vector<KeyVocab> boolean = {
      {"aws:MultiFactorAuthPresent", {"\"true\"", "\"false\"", "true", "false", "\"TRUE\""}},
      {"aws:SecureTransport", {"\"true\"", "\"false\"", "true", "false"}},
      {"AWS:SecureTransport", {"\"false\"", "true"}},
  };
  static const std::vector<KeyVocab> binary = {
      {"test:Blob", {"\"aGVsbG8=\"", "\"d29ybGQ=\"", "\"aGk=\""}},
  };
  static const std::vector<KeyVocab> ip = {
      // Networks whose edges the request's addresses sit on (203.0.113.255, 10.255.255.255, ...).
      {"aws:SourceIp",
       {"\"203.0.113.0/24\"", "\"10.0.0.0/8\"", "\"2001:db8::/32\"", "\"203.0.113.7\"",
        "\"203.0.113.5/24\"", "\"::ffff:203.0.113.7\"", "\"0.0.0.0/0\"", "\"2001:DB8::1\"",
        "\"203.0.113.128/25\"", "\"203.0.112.0/23\"", "\"10.0.0.0/9\"", "\"2001:db8::/33\"",
        "\"203.0.113.254/31\""}},
      {"AWS:SourceIP", {"\"203.0.113.0/24\"", "\"10.1.2.3/32\""}},
  };
  static const std::vector<KeyVocab> arn = {
      {"aws:SourceArn",
       {"\"arn:aws:sns:*:111122223333:*\"", "\"arn:aws:sns:*:111122223333:t*\"",
        "\"arn:aws:sns:us-east-1:111122223333:topic\"", "\"arn:aws:sns:*\"",
        "\"arn:aws:sns:*:*:*:t\"", "\"arn:aws:*:*:111122223333:t*\"",
        "\"arn:aws:sns:us-east-1:${aws:PrincipalAccount}:*\""}},
      {"aws:PrincipalArn",
       {"\"arn:aws:iam::111122223333:role/Admin\"", "\"arn:aws:iam::*:user/*\"",
        "\"arn:aws:iam::111122223333:*\"",
        "\"arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}\"",
        "\"arn:aws:iam::111122223333:user/Alice\""}},
  };
  switch (family) {
    case Family::String:
      return stringKeys();
    case Family::Numeric:
      return numeric;
    case Family::Date:
      return date;
    case Family::Bool:
      return boolean;
    case Family::Binary:
      return binary;
    case Family::Ip:
      return ip;
    case Family::Arn:
      return arn;
    case Family::Null:
      break;
  }
  return stringKeys();
}

// Values an operator of the family cannot read (§3.5), used rarely.
const std::vector<std::string>& badPolicyValues(Family family) {
  static const std::vector<std::string> numeric = {"\"ten\"", "\"0x10\"", "\"1e3\""};
  static const std::vector<std::string> date = {"\"yesterday\"", "\"2020-13-01\""};
  static const std::vector<std::string> boolean = {"\"yes\"", "1"};
  static const std::vector<std::string> binary = {"\"!!!!\""};
  static const std::vector<std::string> ip = {"\"999.1.1.1/8\"", "\"10.0.0.0/33\""};
  static const std::vector<std::string> null = {"\"maybe\""};
  static const std::vector<std::string> none;
  switch (family) {
    case Family::Numeric:
      return numeric;
    case Family::Date:
      return date;
    case Family::Bool:
      return boolean;
    case Family::Binary:
      return binary;
    case Family::Ip:
      return ip;
    case Family::Null:
      return null;
    default:
      return none;
  }
}

const std::vector<std::string>& baseOperators(Family family) {
  static const std::vector<std::string> string = {
      "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
      "StringLike",   "StringNotLike"};
  static const std::vector<std::string> numeric = {
      "NumericEquals",         "NumericNotEquals",   "NumericLessThan",
      "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"};
  static const std::vector<std::string> date = {"DateEquals",      "DateNotEquals",
                                                "DateLessThan",    "DateLessThanEquals",
                                                "DateGreaterThan", "DateGreaterThanEquals"};
  static const std::vector<std::string> boolean = {"Bool"};
  static const std::vector<std::string> binary = {"BinaryEquals"};
  static const std::vector<std::string> ip = {"IpAddress", "NotIpAddress"};
  static const std::vector<std::string> arn = {"ArnEquals", "ArnLike", "ArnNotEquals",
                                               "ArnNotLike"};
  static const std::vector<std::string> null = {"Null"};
  switch (family) {
    case Family::String:
      return string;
    case Family::Numeric:
      return numeric;
    case Family::Date:
      return date;
    case Family::Bool:
      return boolean;
    case Family::Binary:
      return binary;
    case Family::Ip:
      return ip;
    case Family::Arn:
      return arn;
    case Family::Null:
      return null;
  }
  return string;
}

// Every key any family uses, plus one never present in requests.
const std::vector<std::string>& allKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> keys;
    for (Family f : {Family::String, Family::Numeric, Family::Date, Family::Bool, Family::Binary,
                     Family::Ip, Family::Arn}) {
      for (const KeyVocab& k : familyKeys(f)) keys.push_back(k.key);
    }
    keys.emplace_back("aws:NoSuchKey");
    keys.emplace_back("aws:TagKeys");
    return keys;
  }();
  return keys;
}

// Every action / resource pattern of every service, plus "*".
const std::vector<std::string>& allActionPatterns() {
  static const std::vector<std::string> list = [] {
    std::vector<std::string> out = {"*"};
    for (const ServiceVocab& v : services()) {
      out.insert(out.end(), v.actionPatterns.begin(), v.actionPatterns.end());
    }
    return out;
  }();
  return list;
}

const std::vector<std::string>& allResourcePatterns() {
  static const std::vector<std::string> list = [] {
    std::vector<std::string> out = {"*"};
    for (const ServiceVocab& v : services()) {
      out.insert(out.end(), v.resourcePatterns.begin(), v.resourcePatterns.end());
    }
    return out;
  }();
  return list;
}

// ---------------------------------------------------------------------------------------------
// Generation.

class Builder {
 public:
  explicit Builder(std::mt19937_64& rng) : r_(rng) {}

  CaseSpec build() {
    CaseSpec spec;
    callerIndex_ = r_.weighted(callerWeights());
    const CallerDef& caller = callers()[callerIndex_];
    serviceIndex_ = r_.below(services().size());
    const ServiceVocab& svc = services()[serviceIndex_];
    spec.request = makeRequest(caller, svc);

    const bool signedCaller = caller.kind != CallerDef::Kind::Anonymous;
    const bool canHavePolicies =
        caller.kind != CallerDef::Kind::Anonymous && caller.kind != CallerDef::Kind::Root;
    if (canHavePolicies) {
      const std::size_t count = r_.weighted({10, 45, 30, 15});
      for (std::size_t i = 0; i < count; ++i)
        spec.identity.push_back(makePolicy(PolicyType::Identity));
    }
    const bool trustOrKey = svc.service == "sts" || svc.service == "kms";
    if (r_.chance(trustOrKey ? 70 : 45)) spec.resource = makePolicy(PolicyType::Resource);
    if ((caller.kind == CallerDef::Kind::User || caller.kind == CallerDef::Kind::RoleSession) &&
        r_.chance(20)) {
      spec.boundary = makePolicy(PolicyType::Boundary);
    }
    if (signedCaller && r_.chance(30)) {
      const std::size_t levels = 1 + r_.below(3);
      for (std::size_t i = 0; i < levels; ++i) spec.scps.push_back(makePolicy(PolicyType::Scp));
    }
    if ((caller.kind == CallerDef::Kind::RoleSession && r_.chance(25)) ||
        (caller.kind == CallerDef::Kind::Federated && r_.chance(65))) {
      spec.session = makePolicy(PolicyType::Session);
    }
    // Organization and network: RCPs of the resource's account (§4.7), the management account,
    // and a VPC endpoint the request may travel through (§4.2).
    if (r_.chance(20)) {
      const std::size_t levels = 1 + r_.below(2);
      for (std::size_t i = 0; i < levels; ++i) spec.rcps.push_back(makePolicy(PolicyType::Rcp));
    }
    if (r_.chance(12))
      spec.request.managementAccount =
          r_.pick(std::vector<std::string>{"111122223333", "444455556666"});
    if (r_.chance(15)) spec.vpcEndpoint = makePolicy(PolicyType::VpcEndpoint);
    bool hasEndpointKey = false;
    for (const auto& entry : spec.request.context) {
      hasEndpointKey = hasEndpointKey || lower(entry.first) == "aws:sourcevpce";
    }
    if (!hasEndpointKey && r_.chance(spec.vpcEndpoint ? 60 : 10)) {
      spec.request.context.emplace_back("aws:SourceVpce", scalar(quote("vpce-1a2b3c4d")));
    }
    return spec;
  }

 private:
  static std::vector<int> callerWeights() {
    std::vector<int> w;
    for (const CallerDef& c : callers()) w.push_back(c.weight);
    return w;
  }

  static JsonValues scalar(std::string json) {
    JsonValues v;
    v.scalars.push_back(std::move(json));
    return v;
  }

  static JsonValues array(std::vector<std::string> jsons) {
    JsonValues v;
    v.array = true;
    v.scalars = std::move(jsons);
    return v;
  }

  // Context key spelled as AWS documents it, or (rarely) in another case (§1.6: names are
  // case-insensitive).
  std::string spell(const std::string& key) {
    if (!r_.chance(8)) return key;
    std::string out = key;
    for (char& c : out) {
      if (c >= 'a' && c <= 'z' && r_.chance(30)) c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
  }

  RequestSpec makeRequest(const CallerDef& caller, const ServiceVocab& svc) {
    RequestSpec req;
    req.principal = caller.arn;
    req.anonymous = caller.kind == CallerDef::Kind::Anonymous;
    req.action = r_.pick(svc.requestActions);
    const bool noResourceLevel = lower(req.action) == "s3:listallmybuckets";
    if (noResourceLevel || r_.chance(7)) {
      req.resource = r_.chance(50) ? "*" : "";
    } else if (r_.chance(5)) {
      req.resource = r_.pick(services()[r_.below(services().size())].requestResources);
    } else {
      req.resource = r_.pick(svc.requestResources);
    }
    auto add = [&](const std::string& key, JsonValues value) {
      req.context.emplace_back(spell(key), std::move(value));
    };
    const bool signedCaller = caller.kind != CallerDef::Kind::Anonymous;
    if (caller.username != nullptr && r_.chance(85))
      add("aws:username", scalar(quote(caller.username)));
    if (caller.principalArn != nullptr && r_.chance(70))
      add("aws:PrincipalArn", scalar(quote(caller.principalArn)));
    if (signedCaller && r_.chance(50)) add("aws:PrincipalAccount", scalar(quote(caller.account)));
    if (r_.chance(30)) add("aws:PrincipalType", scalar(quote(caller.type)));
    if (r_.chance(20)) add("aws:userid", scalar(quote(caller.userid)));
    if (signedCaller && r_.chance(50)) {
      if (r_.chance(6)) {
        add("aws:PrincipalTag/team", array({"\"red\"", "\"blue\""}));
      } else {
        add("aws:PrincipalTag/team", scalar(r_.pickOf({"\"red\"", "\"blue\"", "\"RED\"",
                                                       "\"shared\"", "\"alice\"", "\"a*\""})));
      }
    }
    if (r_.chance(55)) {
      add("aws:MultiFactorAuthPresent", scalar(r_.pickOf({"true", "false", "true", "false",
                                                          "\"true\"", "\"false\"", "\"yes\""})));
    }
    if (r_.chance(35)) {
      add("aws:MultiFactorAuthAge",
          scalar(r_.pickOf({"100", "2700", "\"1800\"", "1800", "3600", "\"2700.5\"", "\"abc\"",
                            "\"1800.0\"", "\"1799.5\"", "\"+1800\"", "1800.25"})));
    }
    if (r_.chance(45)) {
      add("aws:CurrentTime",
          scalar(r_.pickOf({"\"2020-01-01T00:00:00Z\"", "\"2026-11-22T10:00:00Z\"",
                            "\"2017-12-31T23:59:59Z\"", "\"2019-06-01\"",
                            "\"2026-11-22T10:00:00.5+01:00\"", "\"yesterday\"",
                            "\"2026-11-22T11:00:00+01:00\"", "\"2026-11-22T09:30:00-01:00\"",
                            "\"2026-11-22T10:00:00.000001Z\"", "\"1795341600\""})));
    }
    if (r_.chance(25))
      add("aws:EpochTime", scalar(r_.pickOf({"1577836800", "1700000000", "\"1600000000\""})));
    if (r_.chance(15))
      add("aws:TokenIssueTime", scalar(r_.pickOf({"\"2026-11-22T09:00:00Z\"", "\"2019-01-01\""})));
    if (r_.chance(45)) add("aws:SecureTransport", scalar(r_.pickOf({"true", "false"})));
    if (r_.chance(45)) {
      add("aws:SourceIp",
          scalar(r_.pickOf({"\"203.0.113.7\"", "\"10.1.2.3\"", "\"2001:db8::1\"",
                            "\"::ffff:203.0.113.7\"", "\"198.51.100.1\"", "\"not-an-ip\"",
                            "\"203.0.113.255\"", "\"203.0.112.255\"", "\"203.0.114.0\"",
                            "\"10.255.255.255\"", "\"11.0.0.0\"", "\"2001:db9::1\"",
                            "\"2001:db8:ffff::1\""})));
    }
    if (r_.chance(30)) {
      add("aws:SourceArn",
          scalar(r_.pickOf({"\"arn:aws:sns:us-east-1:111122223333:topic\"",
                            "\"arn:aws:sns:us-east-1:111122223333:t:extra\"",
                            "\"arn:aws:sns:us-east-1:999999999999:111122223333:t\"",
                            "\"not-an-arn\""})));
    }
    if (r_.chance(40)) {
      const std::size_t shape = r_.below(7);
      const std::vector<JsonValues> shapes = {array({}),
                                              array({"\"a\""}),
                                              array({"\"a\"", "\"b\""}),
                                              array({"\"c\"", "\"a\""}),
                                              array({"\"A\""}),
                                              scalar("\"a\""),
                                              array({"\"\""})};
      add("aws:TagKeys", shapes[shape]);
    }
    if (r_.chance(30))
      add("s3:prefix",
          scalar(r_.pickOf({"\"\"", "\"home/\"", "\"home/alice/\"", "\"x\"", "\"*\""})));
    if (r_.chance(25))
      add("s3:max-keys", scalar(r_.pickOf({"9", "\"10\"", "\"10.0\"", "\"11\"", "\"abc\""})));
    if (r_.chance(25))
      add("aws:RequestedRegion", scalar(r_.pickOf({"\"us-east-1\"", "\"eu-west-1\""})));
    if (r_.chance(12))
      add("test:Blob", scalar(r_.pickOf({"\"aGVsbG8=\"", "\"d29ybGQ=\"", "\"%%%%\""})));
    // The resource's account for ARNs that have none (S3): usually the caller's own.
    if (r_.chance(70)) {
      add("aws:ResourceAccount", scalar(quote(r_.chance(75) ? kOwn : kForeign)));
    }
    return req;
  }

  // An operator and key/values for one condition.
  ConditionSpec makeCondition() {
    ConditionSpec c;
    const Family family = static_cast<Family>(r_.weighted({30, 14, 14, 12, 3, 14, 10, 8}));
    const std::string base = r_.pick(baseOperators(family));
    std::string key;
    std::vector<std::string> pool;
    if (family == Family::Null) {
      key = r_.pick(allKeys());
      pool = {"\"true\"", "\"false\"", "true", "false"};
    } else if (r_.chance(88)) {
      const KeyVocab& kv = r_.pick(familyKeys(family));
      key = kv.key;
      pool = kv.policyValues;
    } else {
      key = r_.pick(allKeys());  // possibly a key of another type, or one never present
      pool = r_.pick(familyKeys(family)).policyValues;
    }
    if (r_.chance(2) && !badPolicyValues(family).empty()) pool = badPolicyValues(family);
    std::string op;
    if (family != Family::Null) {
      const std::size_t q = r_.weighted({70, 15, 15});
      if (q == 1) op = "ForAllValues:";
      if (q == 2) op = "ForAnyValue:";
    }
    op += base;
    if (family != Family::Null && r_.chance(25)) op += "IfExists";
    c.op = op;
    c.key = spell(key);
    const std::size_t shape = r_.weighted({62, 32, 6});
    if (shape == 0) {
      c.values = scalar(r_.pick(pool));
    } else if (shape == 1) {
      std::vector<std::string> values;
      const std::size_t n = 1 + r_.below(3);
      for (std::size_t i = 0; i < n; ++i) {
        const std::string& v = r_.pick(pool);
        bool seen = false;
        for (const std::string& existing : values) seen = seen || existing == v;
        if (!seen) values.push_back(v);
      }
      c.values = array(values);
    } else {
      c.values = array({});
    }
    return c;
  }

  std::vector<std::string> pickList(const std::vector<std::string>& targeted,
                                    const std::vector<std::string>& anywhere, int targetedPercent,
                                    std::size_t maxCount) {
    std::vector<std::string> out;
    const std::size_t n = 1 + r_.below(maxCount);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& v = r_.chance(targetedPercent) ? r_.pick(targeted) : r_.pick(anywhere);
      bool seen = false;
      for (const std::string& existing : out) seen = seen || existing == v;
      if (!seen) out.push_back(v);
    }
    return out;
  }

  // The entries that name the caller: its account (both spellings) and the ARNs of its chain
  // (§2.5). Resource-based policies draw from these half of the time so grants happen.
  std::vector<PrincipalSpec> callerChain() const {
    std::vector<PrincipalSpec> chain;
    const CallerDef& caller = callers()[callerIndex_];
    if (caller.kind == CallerDef::Kind::Anonymous) return chain;
    chain.push_back({"AWS", caller.account});
    chain.push_back({"AWS", std::string("arn:aws:iam::") + caller.account + ":root"});
    if (caller.kind != CallerDef::Kind::Root && caller.kind != CallerDef::Kind::Unnamed)
      chain.push_back({"AWS", caller.arn});
    if (caller.kind == CallerDef::Kind::RoleSession) chain.push_back({"AWS", caller.principalArn});
    return chain;
  }

  std::vector<PrincipalSpec> pickPrincipals(std::size_t maxCount) {
    std::vector<PrincipalSpec> out;
    const std::vector<PrincipalSpec> chain = callerChain();
    if (!chain.empty() && r_.chance(20)) {
      // The whole chain (what a NotPrincipal needs to exempt the caller), sometimes minus one.
      out = chain;
      if (r_.chance(40)) out.erase(out.begin() + static_cast<std::ptrdiff_t>(r_.below(out.size())));
      if (!out.empty()) return out;
    }
    const std::size_t n = 1 + r_.below(maxCount);
    for (std::size_t i = 0; i < n; ++i) {
      const PrincipalSpec p = r_.chance(5)                        ? PrincipalSpec{"AWS", "*"}
                              : (!chain.empty() && r_.chance(45)) ? r_.pick(chain)
                                                                  : r_.pick(principalVocab());
      bool seen = false;
      for (const PrincipalSpec& existing : out) seen = seen || existing.value == p.value;
      if (!seen) out.push_back(p);
    }
    return out;
  }

  StatementSpec makeStatement(PolicyType kind) {
    StatementSpec s;
    const ServiceVocab& svc = services()[serviceIndex_];
    int allowPercent = 78;
    if (kind == PolicyType::Boundary) allowPercent = 80;
    if (kind == PolicyType::Scp) allowPercent = 60;
    if (kind == PolicyType::Session) allowPercent = 75;
    if (kind == PolicyType::Resource || kind == PolicyType::VpcEndpoint) allowPercent = 65;
    if (kind == PolicyType::Rcp) allowPercent = 0;  // custom RCP statements deny (RCP syntax)
    s.allow = r_.chance(allowPercent);
    if (kind == PolicyType::Rcp) {
      s.principalMode = StatementSpec::PrincipalMode::Principal;
      s.principals = {r_.chance(80) ? PrincipalSpec{"*", "*"} : PrincipalSpec{"AWS", "*"}};
    }

    if (kind == PolicyType::Resource || kind == PolicyType::VpcEndpoint) {
      if (!s.allow && r_.chance(50)) {
        s.principalMode = StatementSpec::PrincipalMode::NotPrincipal;
        s.principals = r_.chance(5) ? std::vector<PrincipalSpec>{{"*", "*"}} : pickPrincipals(4);
      } else {
        s.principalMode = StatementSpec::PrincipalMode::Principal;
        const std::size_t form = r_.weighted({30, 10, 60});
        if (form == 0) {
          s.principals = {{"*", "*"}};
        } else if (form == 1) {
          s.principals = {{"AWS", "*"}};
        } else {
          s.principals = pickPrincipals(3);
        }
      }
    }

    std::vector<std::string> targetedActions = svc.actionPatterns;
    targetedActions.emplace_back("*");
    std::vector<std::string> targetedResources = svc.resourcePatterns;
    targetedResources.emplace_back("*");

    s.notAction = kind != PolicyType::Rcp && r_.chance(15);  // RCPs have no NotAction
    s.actions = pickList(targetedActions, allActionPatterns(), 60, 2);
    const bool trustPolicy = kind == PolicyType::Resource && svc.service == "sts";
    s.hasResource = !(trustPolicy && r_.chance(50));
    if (s.hasResource) {
      s.notResource = r_.chance(10);
      s.resources = pickList(targetedResources, allResourcePatterns(), 65, 2);
    }
    const std::size_t conditions = r_.weighted({55, 30, 12, 3});
    std::set<std::pair<std::string, std::string>> used;  // (operator, lower-cased key)
    for (std::size_t i = 0; i < conditions; ++i) {
      ConditionSpec c = makeCondition();
      if (!used.insert({c.op, lower(c.key)}).second) continue;  // keys unique per operator
      s.conditions.push_back(std::move(c));
    }
    return s;
  }

  PolicySpec makePolicy(PolicyType kind) {
    PolicySpec p;
    p.type = kind;
    const std::size_t version = r_.weighted({80, 10, 10});
    p.version = version == 0 ? "2012-10-17" : version == 1 ? "2008-10-17" : "";
    if (kind == PolicyType::Scp || kind == PolicyType::Rcp) p.version = "2012-10-17";
    if (kind == PolicyType::Rcp && r_.chance(75)) {
      StatementSpec all;  // RCPFullAWSAccess, which AWS attaches at every level
      all.principalMode = StatementSpec::PrincipalMode::Principal;
      all.principals = {{"*", "*"}};
      all.actions = {"*"};
      all.resources = {"*"};
      p.statements.push_back(all);
    }
    if (kind == PolicyType::Scp && r_.chance(75)) {
      StatementSpec all;
      all.actions = {"*"};
      all.resources = {"*"};
      p.statements.push_back(all);  // FullAWSAccess, as AWS attaches by default
    }
    if ((kind == PolicyType::Identity || kind == PolicyType::Boundary ||
         kind == PolicyType::Session) &&
        r_.chance(35)) {
      // A broad grant for the request's service, so the other statements' Denies and the
      // other policy types decide more often than "nothing allows".
      StatementSpec broad;
      broad.actions = {r_.chance(50) ? "*" : services()[serviceIndex_].service + ":*"};
      broad.resources = {"*"};
      p.statements.push_back(broad);
    }
    const std::size_t count = 1 + r_.below(3);
    for (std::size_t i = 0; i < count; ++i) p.statements.push_back(makeStatement(kind));
    return p;
  }

  Rand r_;
  std::size_t callerIndex_ = 0;
  std::size_t serviceIndex_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Serialisation.

std::string statementJson(const StatementSpec& s) {
  std::string out = "{\"Effect\":";
  out += s.allow ? "\"Allow\"" : "\"Deny\"";
  if (s.principalMode != StatementSpec::PrincipalMode::None) {
    out += s.principalMode == StatementSpec::PrincipalMode::Principal ? ",\"Principal\":"
                                                                      : ",\"NotPrincipal\":";
    if (s.principals.size() == 1 && s.principals[0].type == "*") {
      out += "\"*\"";
    } else {
      // Group values by type, types in first-seen order.
      std::vector<std::pair<std::string, std::vector<std::string>>> groups;
      for (const PrincipalSpec& p : s.principals) {
        bool placed = false;
        for (auto& g : groups) {
          if (g.first == p.type) {
            g.second.push_back(p.value);
            placed = true;
          }
        }
        if (!placed) groups.push_back({p.type, {p.value}});
      }
      out += "{";
      for (std::size_t i = 0; i < groups.size(); ++i) {
        out += (i > 0 ? "," : "") + quote(groups[i].first) + ":" + stringList(groups[i].second);
      }
      out += "}";
    }
  }
  out += s.notAction ? ",\"NotAction\":" : ",\"Action\":";
  out += stringList(s.actions);
  if (s.hasResource) {
    out += s.notResource ? ",\"NotResource\":" : ",\"Resource\":";
    out += stringList(s.resources);
  }
  if (!s.conditions.empty()) {
    std::vector<std::string> ops;
    for (const ConditionSpec& c : s.conditions) {
      bool seen = false;
      for (const std::string& op : ops) seen = seen || op == c.op;
      if (!seen) ops.push_back(c.op);
    }
    out += ",\"Condition\":{";
    for (std::size_t i = 0; i < ops.size(); ++i) {
      out += (i > 0 ? "," : "") + quote(ops[i]) + ":{";
      bool first = true;
      for (const ConditionSpec& c : s.conditions) {
        if (c.op != ops[i]) continue;
        out += (first ? "" : ",") + quote(c.key) + ":" + c.values.toJson();
        first = false;
      }
      out += "}";
    }
    out += "}";
  }
  return out + "}";
}

template <typename Fn>
void forEachPolicy(const CaseSpec& spec, Fn fn) {
  for (std::size_t i = 0; i < spec.identity.size(); ++i)
    fn("identity[" + std::to_string(i) + "]", spec.identity[i]);
  if (spec.resource) fn(std::string("resource"), *spec.resource);
  if (spec.boundary) fn(std::string("boundary"), *spec.boundary);
  for (std::size_t i = 0; i < spec.scps.size(); ++i)
    fn("scp[" + std::to_string(i) + "]", spec.scps[i]);
  if (spec.session) fn(std::string("session"), *spec.session);
  for (std::size_t i = 0; i < spec.rcps.size(); ++i)
    fn("rcp[" + std::to_string(i) + "]", spec.rcps[i]);
  if (spec.vpcEndpoint) fn(std::string("vpce"), *spec.vpcEndpoint);
}

}  // namespace

std::string JsonValues::toJson() const {
  if (!array && scalars.size() == 1) return scalars[0];
  std::string out = "[";
  for (std::size_t i = 0; i < scalars.size(); ++i) out += (i > 0 ? "," : "") + scalars[i];
  return out + "]";
}

std::string PolicySpec::toJson() const {
  std::string out = "{";
  if (!version.empty()) out += "\"Version\":" + quote(version) + ",";
  out += "\"Statement\":[";
  for (std::size_t i = 0; i < statements.size(); ++i)
    out += (i > 0 ? "," : "") + statementJson(statements[i]);
  return out + "]}";
}

std::string RequestSpec::toJson() const {
  std::string out = "{";
  if (!principal.empty()) out += "\"principal\":" + quote(principal) + ",";
  if (anonymous) out += "\"anonymous\":true,";
  if (!managementAccount.empty()) out += "\"managementAccount\":" + quote(managementAccount) + ",";
  out += "\"action\":" + quote(action);
  if (!resource.empty()) out += ",\"resource\":" + quote(resource);
  if (!context.empty()) {
    out += ",\"context\":{";
    for (std::size_t i = 0; i < context.size(); ++i) {
      out += (i > 0 ? "," : "") + quote(context[i].first) + ":" + context[i].second.toJson();
    }
    out += "}";
  }
  return out + "}";
}

std::string CaseSpec::describe() const {
  std::string out;
  forEachPolicy(*this, [&](const std::string& label, const PolicySpec& p) {
    out += "  " + label + ": " + p.toJson() + "\n";
  });
  out += "  request: " + request.toJson() + "\n";
  return out;
}

namespace {

// The value of one JSON scalar as written by the generator (JsonValues): a string in quotes
// (with the escapes quote() produces), or a number or boolean whose text is the value.
engine::ContextValue::Type scalarType(const std::string& json) {
  if (json == "true" || json == "false") return engine::ContextValue::Type::Bool;
  if (!json.empty() && json.front() == '"') return engine::ContextValue::Type::String;
  return engine::ContextValue::Type::Number;
}

std::string scalarValue(const std::string& json) {
  if (json.empty() || json.front() != '"') return json;
  std::string out;
  for (std::size_t i = 1; i + 1 < json.size(); ++i) {
    if (json[i] != '\\') {
      out += json[i];
    } else if (json[i + 1] == 'u') {  // backslash-u and four hex digits: a control character
      out += static_cast<char>(std::stoi(json.substr(i + 2, 4), nullptr, 16));
      i += 5;
    } else {  // \" or \\ (quote() writes no other escape)
      out += json[++i];
    }
  }
  return out;
}

}  // namespace

std::optional<EngineCase> engineCase(const CaseSpec& spec, std::string* error) {
  EngineCase out;
  forEachPolicy(spec, [&](const std::string& label, const PolicySpec& p) {
    engine::PolicyText text{label, p.toJson()};
    switch (p.type) {
      case PolicyType::Identity:
        out.texts.identity.push_back(std::move(text));
        break;
      case PolicyType::Resource:
        out.texts.resource = std::move(text);
        break;
      case PolicyType::Boundary:
        out.texts.boundary = std::move(text);
        break;
      case PolicyType::Scp:
        out.texts.scps.push_back(std::move(text));
        break;
      case PolicyType::Session:
        out.texts.session = std::move(text);
        break;
      case PolicyType::Rcp:
        out.texts.rcps.push_back(std::move(text));
        break;
      case PolicyType::VpcEndpoint:
        out.texts.vpcEndpoint = std::move(text);
        break;
    }
  });
  out.request.principal = spec.request.principal;
  out.request.anonymous = spec.request.anonymous;
  out.request.managementAccount = spec.request.managementAccount;
  out.request.action = spec.request.action;
  out.request.resource = spec.request.resource.empty() ? "*" : spec.request.resource;
  for (const auto& [key, values] : spec.request.context) {
    engine::ContextValue value;
    value.multivalued = values.array;
    for (const std::string& json : values.scalars) {
      value.type = scalarType(json);
      value.values.push_back(scalarValue(json));
    }
    if (!out.request.setContext(key, std::move(value))) {
      if (error != nullptr) *error = "request: context key " + key + " twice";
      return std::nullopt;
    }
  }
  return out;
}

std::optional<ReferenceCase> referenceCase(const CaseSpec& spec, std::string* error) {
  ReferenceCase out;
  bool ok = true;
  forEachPolicy(spec, [&](const std::string& label, const PolicySpec& p) {
    if (!ok) return;
    std::optional<Policy> policy = readPolicy(p.toJson(), p.type, label, error);
    if (!policy) {
      ok = false;
      return;
    }
    switch (p.type) {
      case PolicyType::Identity:
        out.input.identity.push_back(std::move(*policy));
        break;
      case PolicyType::Resource:
        out.input.resource = std::move(*policy);
        break;
      case PolicyType::Boundary:
        out.input.boundary = std::move(*policy);
        break;
      case PolicyType::Scp:
        out.input.scps.push_back(std::move(*policy));
        break;
      case PolicyType::Session:
        out.input.session = std::move(*policy);
        break;
      case PolicyType::Rcp:
        out.input.rcps.push_back(std::move(*policy));
        break;
      case PolicyType::VpcEndpoint:
        out.input.vpcEndpoint = std::move(*policy);
        break;
    }
  });
  if (!ok) return std::nullopt;
  std::optional<Request> request = readRequest(spec.request.toJson(), error);
  if (!request) return std::nullopt;
  out.request = std::move(*request);
  return out;
}

CaseSpec CaseGenerator::next() { return Builder(rng_).build(); }

namespace {

// Every case one step smaller than `spec`, most drastic reductions first.
std::vector<CaseSpec> shrinkSteps(const CaseSpec& spec) {
  std::vector<CaseSpec> out;
  auto variant = [&](auto&& edit) {
    CaseSpec copy = spec;
    edit(copy);
    out.push_back(std::move(copy));
  };
  for (std::size_t i = 0; i < spec.identity.size(); ++i)
    variant([&](CaseSpec& c) {
      c.identity.erase(c.identity.begin() + static_cast<std::ptrdiff_t>(i));
    });
  if (spec.resource) variant([](CaseSpec& c) { c.resource.reset(); });
  if (spec.boundary) variant([](CaseSpec& c) { c.boundary.reset(); });
  for (std::size_t i = 0; i < spec.scps.size(); ++i)
    variant([&](CaseSpec& c) { c.scps.erase(c.scps.begin() + static_cast<std::ptrdiff_t>(i)); });
  if (spec.session) variant([](CaseSpec& c) { c.session.reset(); });
  for (std::size_t i = 0; i < spec.rcps.size(); ++i)
    variant([&](CaseSpec& c) { c.rcps.erase(c.rcps.begin() + static_cast<std::ptrdiff_t>(i)); });
  if (spec.vpcEndpoint) variant([](CaseSpec& c) { c.vpcEndpoint.reset(); });

  // Policies in a fixed order, addressed through a small accessor.
  auto policies = [](CaseSpec& c) {
    std::vector<PolicySpec*> list;
    for (PolicySpec& p : c.identity) list.push_back(&p);
    if (c.resource) list.push_back(&*c.resource);
    if (c.boundary) list.push_back(&*c.boundary);
    for (PolicySpec& p : c.scps) list.push_back(&p);
    if (c.session) list.push_back(&*c.session);
    for (PolicySpec& p : c.rcps) list.push_back(&p);
    if (c.vpcEndpoint) list.push_back(&*c.vpcEndpoint);
    return list;
  };
  CaseSpec probe = spec;
  const std::vector<PolicySpec*> shape = policies(probe);
  for (std::size_t pi = 0; pi < shape.size(); ++pi) {
    const PolicySpec& p = *shape[pi];
    for (std::size_t si = 0; si < p.statements.size(); ++si) {
      variant([&](CaseSpec& c) {
        auto& st = policies(c)[pi]->statements;
        st.erase(st.begin() + static_cast<std::ptrdiff_t>(si));
      });
    }
    for (std::size_t si = 0; si < p.statements.size(); ++si) {
      const StatementSpec& s = p.statements[si];
      for (std::size_t ci = 0; ci < s.conditions.size(); ++ci) {
        variant([&](CaseSpec& c) {
          auto& conds = policies(c)[pi]->statements[si].conditions;
          conds.erase(conds.begin() + static_cast<std::ptrdiff_t>(ci));
        });
      }
      if (s.actions.size() > 1) {
        for (std::size_t ai = 0; ai < s.actions.size(); ++ai) {
          variant([&](CaseSpec& c) {
            auto& a = policies(c)[pi]->statements[si].actions;
            a.erase(a.begin() + static_cast<std::ptrdiff_t>(ai));
          });
        }
      }
      if (s.resources.size() > 1) {
        for (std::size_t ri = 0; ri < s.resources.size(); ++ri) {
          variant([&](CaseSpec& c) {
            auto& a = policies(c)[pi]->statements[si].resources;
            a.erase(a.begin() + static_cast<std::ptrdiff_t>(ri));
          });
        }
      }
      if (s.principals.size() > 1) {
        for (std::size_t ri = 0; ri < s.principals.size(); ++ri) {
          variant([&](CaseSpec& c) {
            auto& a = policies(c)[pi]->statements[si].principals;
            a.erase(a.begin() + static_cast<std::ptrdiff_t>(ri));
          });
        }
      }
      for (std::size_t ci = 0; ci < s.conditions.size(); ++ci) {
        const JsonValues& v = s.conditions[ci].values;
        if (v.scalars.size() > 1) {
          for (std::size_t vi = 0; vi < v.scalars.size(); ++vi) {
            variant([&](CaseSpec& c) {
              auto& sc = policies(c)[pi]->statements[si].conditions[ci].values.scalars;
              sc.erase(sc.begin() + static_cast<std::ptrdiff_t>(vi));
            });
          }
        }
      }
    }
  }
  for (std::size_t ki = 0; ki < spec.request.context.size(); ++ki) {
    variant([&](CaseSpec& c) {
      c.request.context.erase(c.request.context.begin() + static_cast<std::ptrdiff_t>(ki));
    });
    const JsonValues& v = spec.request.context[ki].second;
    if (v.scalars.size() > 1) {
      for (std::size_t vi = 0; vi < v.scalars.size(); ++vi) {
        variant([&](CaseSpec& c) {
          auto& sc = c.request.context[ki].second.scalars;
          sc.erase(sc.begin() + static_cast<std::ptrdiff_t>(vi));
        });
      }
    }
  }
  return out;
}

}  // namespace

CaseSpec minimizeCase(CaseSpec spec, const std::function<bool(const CaseSpec&)>& stillFails) {
  bool progress = true;
  while (progress) {
    progress = false;
    for (CaseSpec& candidate : shrinkSteps(spec)) {
      if (!stillFails(candidate)) continue;
      spec = std::move(candidate);
      progress = true;
      break;
    }
  }
  return spec;
}

}  // namespace policysim::reference
