// Both searches walk the product of the two token lists: a state (i, j) says the first i
// Resource tokens and the first j format tokens can produce the same text. Stars and ManyOf
// tokens may stay put while consuming, so the walk is a reachability search over at most
// (|resource| + 1) * (|format| + 1) states.
#include "lint/internal/arn_patterns.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

namespace policysim::lint::internal {

namespace {

using Kind = ArnToken::Kind;

bool isRun(Kind kind) { return kind == Kind::Star || kind == Kind::Variable; }

// True when one character can satisfy both tokens.
bool compatible(const ArnToken& r, const ArnToken& f) {
  const bool fIsSet = f.kind == Kind::OneOf || f.kind == Kind::ManyOf;
  if (r.kind == Kind::Literal) {
    if (!fIsSet) {
      return f.c == r.c;
    }
    return !(f.noColon && r.c == ':') && !(f.noSlash && r.c == '/');
  }
  if (r.kind == Kind::Star && r.noColon && f.kind == Kind::Literal) {
    return f.c != ':';
  }
  return true;  // '?', '*' or a variable meet any character the format allows
}

// A reachability search over (i, j) pairs; `step` lists the successors of a state.
template <typename Step>
bool reaches(std::size_t n, std::size_t m, Step step) {
  // Reused per thread: the searches run for every Resource value and resource type.
  thread_local std::vector<unsigned char> seen;
  thread_local std::vector<std::pair<std::size_t, std::size_t>> stack;
  seen.assign((n + 1) * (m + 1), 0);
  stack.clear();
  stack.emplace_back(0, 0);
  seen[0] = 1;
  while (!stack.empty()) {
    const auto [i, j] = stack.back();
    stack.pop_back();
    if (i == n && j == m) {
      return true;
    }
    step(i, j, [&](std::size_t ni, std::size_t nj) {
      const std::size_t index = ni * (m + 1) + nj;
      if (seen[index] == 0) {
        seen[index] = 1;
        stack.emplace_back(ni, nj);
      }
    });
  }
  return false;
}

}  // namespace

ArnTokens resourceTokens(std::string_view resource, bool anyPartition) {
  ArnTokens out;
  out.reserve(resource.size());
  std::size_t partitionEnd = std::string_view::npos;
  if (anyPartition && resource.starts_with("arn:")) {
    const std::size_t colon = resource.find(':', 4);
    const std::string_view partition = resource.substr(4, colon - 4);
    if (colon != std::string_view::npos && !partition.empty() &&
        partition.find_first_of("*?$") == std::string_view::npos) {
      for (const char c : std::string_view("arn:")) {
        out.push_back({Kind::Literal, c});
      }
      out.push_back({Kind::Star, 0, true});
      partitionEnd = colon;
    }
  }
  // A short pattern ("arn:aws:*") is read generously: its stars may span fields.
  const bool arn =
      resource.starts_with("arn:") && std::count(resource.begin(), resource.end(), ':') >= 5;
  std::size_t colons = out.empty() ? 0 : 1;
  for (std::size_t i = partitionEnd == std::string_view::npos ? 0 : partitionEnd;
       i < resource.size(); ++i) {
    const char c = resource[i];
    colons += c == ':' ? 1 : 0;
    if (c == '$' && i + 1 < resource.size() && resource[i + 1] == '{') {
      const std::size_t close = resource.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view name = resource.substr(i + 2, close - i - 2);
        if (name == "*" || name == "?" || name == "$") {
          out.push_back({Kind::Literal, name[0]});  // ${*}: a literal '*'
        } else {
          out.push_back({Kind::Variable});
        }
        i = close;
        continue;
      }
    }
    if (c == '*') {
      if (out.empty() || out.back().kind != Kind::Star) {
        out.push_back({Kind::Star, 0, arn && colons < 5});
      }
    } else if (c == '?') {
      out.push_back({Kind::One});
    } else {
      out.push_back({Kind::Literal, c});
    }
  }
  return out;
}

ArnTokens formatTokens(std::string_view format) {
  ArnTokens out;
  out.reserve(format.size());
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '$' && i + 1 < format.size() && format[i + 1] == '{') {
      const std::size_t close = format.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view name = format.substr(i + 2, close - i - 2);
        const bool last = close + 1 == format.size();
        const bool noSlash =
            name == "Partition" || name == "Region" || name == "Account" || name == "BucketName";
        out.push_back({Kind::OneOf, 0, !last, noSlash});
        out.push_back({Kind::ManyOf, 0, !last, noSlash});
        i = close;
        continue;
      }
    }
    if (format[i] == '*') {
      out.push_back({Kind::ManyOf});  // a few formats end in "/*": any text
      continue;
    }
    out.push_back({Kind::Literal, format[i]});
  }
  return out;
}

bool mayName(const ArnTokens& r, const ArnTokens& f) {
  return reaches(r.size(), f.size(), [&](std::size_t i, std::size_t j, auto push) {
    if (i < r.size() && isRun(r[i].kind)) {
      push(i + 1, j);  // the run ends here
    }
    if (j < f.size() && f[j].kind == Kind::ManyOf) {
      push(i, j + 1);
    }
    if (i < r.size() && j < f.size() && compatible(r[i], f[j])) {
      push(isRun(r[i].kind) ? i : i + 1, f[j].kind == Kind::ManyOf ? j : j + 1);
    }
  });
}

bool namesEvery(const ArnTokens& r, const ArnTokens& f) {
  return reaches(r.size(), f.size(), [&](std::size_t i, std::size_t j, auto push) {
    if (i >= r.size()) {
      return;
    }
    switch (r[i].kind) {
      case Kind::Star:
        push(i + 1, j);
        if (j < f.size() && (!r[i].noColon || (f[j].kind == Kind::Literal && f[j].c != ':') ||
                             (f[j].kind != Kind::Literal && f[j].noColon))) {
          push(i, j + 1);  // the star absorbs whatever the format has here
        }
        break;
      case Kind::Literal:
        if (j < f.size() && f[j].kind == Kind::Literal && f[j].c == r[i].c) {
          push(i + 1, j + 1);
        }
        break;
      case Kind::One:
        if (j < f.size() && (f[j].kind == Kind::Literal || f[j].kind == Kind::OneOf)) {
          push(i + 1, j + 1);
        }
        break;
      default:
        break;  // a variable names one value, never all of them
    }
  });
}

ArnFormatIndex::ArnFormatIndex(const analysis::IamData& data) {
  for (const analysis::ServiceInfo& service : data.services()) {
    services_[&service] =
        formatTokens("arn:${Partition}:" + std::string(service.prefix) + ":${Rest}");
    for (const analysis::ResourceTypeInfo& type : service.resourceTypes) {
      std::vector<ArnTokens>& compiled = formats_[&type];
      for (const std::string_view format : type.arnFormats) {
        compiled.push_back(formatTokens(format));
      }
    }
  }
}

const std::vector<ArnTokens>& ArnFormatIndex::formats(
    const analysis::ResourceTypeInfo* type) const {
  const auto it = formats_.find(type);
  return it == formats_.end() ? none_ : it->second;
}

const ArnTokens& ArnFormatIndex::serviceFormat(const analysis::ServiceInfo* service) const {
  const auto it = services_.find(service);
  return it == services_.end() ? noTokens_ : it->second;
}

}  // namespace policysim::lint::internal
