// Runs every conformance case (tests/conformance/**/*.json, format in FORMAT.md) twice:
// through the engine API exactly as `policysim check` calls it, and through the policysim
// binary itself (files on disk, --format json, exit status). Adding a case needs no C++.
// The binary's JSON output is also compared byte for byte with tests/golden/conformance/ID.out,
// a guard for refactors: POLICYSIM_UPDATE_GOLDEN=1 rewrites those files after a deliberate
// change of output (review the diff).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/decision.h"
#include "engine/policy_json.h"
#include "engine/policy_set.h"
#include "engine/request_json.h"

namespace {

namespace fs = std::filesystem;
using policysim::engine::PolicyKind;

struct Case {
  std::string id;
  std::string file;
  std::vector<std::string> identity;  // policy texts
  std::string resource, boundary, session, vpce;
  std::vector<std::string> scps, rcps;
  std::string request;
  std::string expect;
};

std::string toText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

Case readCase(const rapidjson::Value& value, const std::string& file) {
  Case c;
  c.file = file;
  c.id = value["id"].GetString();
  c.expect = value["expect"].GetString();
  c.request = toText(value["request"]);
  const rapidjson::Value& policies = value["policies"];
  for (const auto& policy : policies["identity"].GetArray()) {
    c.identity.push_back(toText(policy));
  }
  if (policies.HasMember("resource")) {
    c.resource = toText(policies["resource"]);
  }
  if (policies.HasMember("boundary")) {
    c.boundary = toText(policies["boundary"]);
  }
  if (policies.HasMember("session")) {
    c.session = toText(policies["session"]);
  }
  if (policies.HasMember("scp")) {
    for (const auto& policy : policies["scp"].GetArray()) {
      c.scps.push_back(toText(policy));
    }
  }
  if (policies.HasMember("rcp")) {
    for (const auto& policy : policies["rcp"].GetArray()) {
      c.rcps.push_back(toText(policy));
    }
  }
  if (policies.HasMember("vpce")) {
    c.vpce = toText(policies["vpce"]);
  }
  return c;
}

std::vector<Case> loadCases() {
  std::vector<Case> cases;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(POLICYSIM_CONFORMANCE_DIR)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document document;
    document.Parse(text.str().c_str());
    if (document.HasParseError()) {
      ADD_FAILURE() << path << ": not valid JSON";
      continue;
    }
    if (document.IsArray()) {
      for (const auto& item : document.GetArray()) {
        cases.push_back(readCase(item, path.string()));
      }
    } else {
      cases.push_back(readCase(document, path.string()));
    }
  }
  return cases;
}

const std::vector<Case>& allCases() {
  static const std::vector<Case> cases = loadCases();
  return cases;
}

std::string evaluateThroughEngine(const Case& c) {
  using namespace policysim::engine;
  PolicySetInput input;
  auto parse = [&](const std::string& text, PolicyKind kind) {
    auto document = parsePolicyDocument(text, c.id, kind);
    EXPECT_TRUE(document.ok()) << document.status().toString();
    return document.ok() ? std::move(document).value() : PolicyDocument{};
  };
  for (const auto& text : c.identity) {
    input.identity.push_back(parse(text, PolicyKind::Identity));
  }
  for (const auto& text : c.scps) {
    input.scps.push_back(parse(text, PolicyKind::Scp));
  }
  if (!c.resource.empty()) {
    input.resource = parse(c.resource, PolicyKind::Resource);
  }
  if (!c.boundary.empty()) {
    input.boundary = parse(c.boundary, PolicyKind::Boundary);
  }
  if (!c.session.empty()) {
    input.session = parse(c.session, PolicyKind::Session);
  }
  for (const auto& text : c.rcps) {
    input.rcps.push_back(parse(text, PolicyKind::Rcp));
  }
  if (!c.vpce.empty()) {
    input.vpcEndpoint = parse(c.vpce, PolicyKind::VpcEndpoint);
  }
  auto set = PolicySet::compile(std::move(input));
  EXPECT_TRUE(set.ok());
  auto requests = parseRequests(c.request, c.id);
  EXPECT_TRUE(requests.ok()) << requests.status().toString();
  if (!set.ok() || !requests.ok() || requests.value().size() != 1) {
    return "error";
  }
  const Decision decision = set.value()->evaluate(requests.value()[0], true);
  // A PreparedRequest must decide the same (and say the same).
  const Decision prepared =
      set.value()->evaluate(PreparedRequest(requests.value()[0]), /*explain=*/true);
  EXPECT_EQ(prepared.kind, decision.kind) << c.id;
  EXPECT_EQ(prepared.reason, decision.reason) << c.id;
  return decisionName(decision.kind);
}

class ConformanceCase : public testing::TestWithParam<std::size_t> {};

TEST_P(ConformanceCase, EngineDecidesAsAws) {
  const Case& c = allCases()[GetParam()];
  EXPECT_EQ(evaluateThroughEngine(c), c.expect) << c.file;
}

// A case id as a file name: anything but letters, digits, '-' and '.' becomes '_'.
std::string caseFileName(std::string id) {
  for (char& ch : id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') {
      ch = '_';
    }
  }
  return id;
}

// Writes TEXT to DIR/NAME and returns NAME (commands run inside DIR).
std::string writeFile(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return name;
}

// Compares OUTPUT with the golden file for the case, or rewrites it when asked to.
void expectGoldenOutput(const std::string& caseName, const std::string& output) {
  const fs::path golden = fs::path(POLICYSIM_GOLDEN_DIR) / "conformance" / (caseName + ".out");
  const char* update = std::getenv("POLICYSIM_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << output;
    return;
  }
  std::ifstream in(golden, std::ios::binary);
  ASSERT_TRUE(in) << "no golden output " << golden << " (POLICYSIM_UPDATE_GOLDEN=1 writes it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(output, expected.str()) << "output of check --format json changed for " << golden;
}

TEST_P(ConformanceCase, CliDecidesAsAws) {
  const Case& c = allCases()[GetParam()];
  // Unique per process: the sanitizer canary runs this binary beside the suite's own run.
  const fs::path dir =
      fs::temp_directory_path() / ("policysim-case-" + std::to_string(getpid()) + "-" + c.id);
  fs::create_directories(dir);
  // Run inside the case's folder with relative names, so that the output names no temporary path.
  std::string command = "cd '" + dir.string() + "' && " + std::string(POLICYSIM_BINARY) + " check";
  for (std::size_t i = 0; i < c.identity.size(); ++i) {
    command += " " + writeFile(dir, "identity" + std::to_string(i) + ".json", c.identity[i]);
  }
  if (!c.resource.empty()) {
    command += " --resource-policy " + writeFile(dir, "resource.json", c.resource);
  }
  if (!c.boundary.empty()) {
    command += " --boundary " + writeFile(dir, "boundary.json", c.boundary);
  }
  if (!c.session.empty()) {
    command += " --session-policy " + writeFile(dir, "session.json", c.session);
  }
  for (std::size_t i = 0; i < c.scps.size(); ++i) {
    command += " --scp " + writeFile(dir, "scp" + std::to_string(i) + ".json", c.scps[i]);
  }
  for (std::size_t i = 0; i < c.rcps.size(); ++i) {
    command += " --rcp " + writeFile(dir, "rcp" + std::to_string(i) + ".json", c.rcps[i]);
  }
  if (!c.vpce.empty()) {
    command += " --vpce-policy " + writeFile(dir, "vpce.json", c.vpce);
  }
  command += " --context " + writeFile(dir, "request.json", c.request);
  command += " --format json --quiet";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) {
    output.append(buffer, n);
  }
  const int status = pclose(pipe);
  fs::remove_all(dir);
  const int exitCode = WEXITSTATUS(status);
  rapidjson::Document result;
  result.Parse(output.c_str());
  ASSERT_FALSE(result.HasParseError()) << command << "\n" << output;
  ASSERT_TRUE(result.HasMember("decision"));
  EXPECT_EQ(std::string(result["decision"].GetString()), c.expect) << command;
  EXPECT_EQ(exitCode, c.expect == "allowed" ? 0 : 1) << command;
  expectGoldenOutput(caseFileName(c.id), output);
}

std::string caseName(const testing::TestParamInfo<std::size_t>& info) {
  std::string name = allCases()[info.param].id;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) {
      ch = '_';
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, ConformanceCase, testing::Range<std::size_t>(0, allCases().size()),
                         caseName);

}  // namespace
