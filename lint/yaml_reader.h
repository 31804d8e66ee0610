// YAML text -> lint Node tree, for CloudFormation templates. Uses libyaml's event parser
// (iterative: no recursion on input depth) and keeps line and column of every key and value.
// Tags are kept as written, so CloudFormation's short forms (!Sub, !Ref, !GetAtt, !Join, ...)
// parse as ordinary tagged values. Aliases are expanded as copies within a node budget, so a
// "billion laughs" document is an error, not an exhausted machine. Only the first document of
// a stream is read.
#pragma once

#include <cstddef>
#include <string_view>

#include "lint/json_reader.h"
#include "lint/node.h"

namespace policysim::lint {

struct YamlReadLimits {
  std::size_t maxDepth = 64;
  std::size_t maxBytes = std::size_t{64} << 20U;
  std::size_t maxNodes = 2'000'000;  // including copies made for aliases
};

// Plain scalars are typed as CloudFormation reads them: null/~/empty -> Null, true/false ->
// Bool, decimal numbers -> Number, anything else (dates included) -> String; quoted and block
// scalars are strings. Returns false and fills *error on a syntax error or a limit.
bool readYaml(std::string_view text, const YamlReadLimits& limits, Node* out, ReadError* error);

}  // namespace policysim::lint
