/* The C ABI (engine/c/policysim.h), compiled as C: loading, errors with messages, requests
 * built by hand and parsed from JSON, decisions, the explanation buffer protocol, references.
 * Usage: c_api_test POLICIES_DIR. Prints "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/c/policysim.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (cond) {                                                       \
      ++passed;                                                       \
    } else {                                                          \
      ++failed;                                                       \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                 \
  } while (0)

static const char* const kAlice = "arn:aws:iam::111122223333:user/alice";

static policysim_request* aliceCreatesKey(int mfa) {
  policysim_request* r = policysim_request_new(kAlice, "iam:CreateAccessKey", kAlice);
  CHECK(r != NULL);
  CHECK(policysim_request_set_string(r, "aws:username", "alice") == POLICYSIM_OK);
  if (mfa) {
    CHECK(policysim_request_set_bool(r, "aws:MultiFactorAuthPresent", 1) == POLICYSIM_OK);
    CHECK(policysim_request_set_number(r, "aws:MultiFactorAuthAge", 300) == POLICYSIM_OK);
  }
  return r;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICIES_DIR\n", argv[0]);
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/force_mfa.json", argv[1]);

  CHECK(strcmp(policysim_version(), "") != 0);
  CHECK(strcmp(policysim_decision_name(POLICYSIM_EXPLICIT_DENY), "explicitDeny") == 0);

  /* Load force_mfa.json. */
  policysim_loader* loader = policysim_loader_new();
  CHECK(loader != NULL);
  CHECK(policysim_loader_add_file(loader, POLICYSIM_ROLE_IDENTITY, path) == POLICYSIM_OK);
  policysim_policy_set* set = NULL;
  CHECK(policysim_loader_build(loader, &set) == POLICYSIM_OK);
  CHECK(set != NULL);
  CHECK(policysim_policy_set_warning_count(set) == 0);
  CHECK(policysim_policy_set_warning(set, 0) == NULL);

  /* Decisions: MFA allows, no MFA is an explicit deny. */
  policysim_decision decision = POLICYSIM_ALLOWED;
  policysim_request* withMfa = aliceCreatesKey(1);
  policysim_request* withoutMfa = aliceCreatesKey(0);
  CHECK(policysim_evaluate(set, withMfa, &decision) == POLICYSIM_OK);
  CHECK(decision == POLICYSIM_ALLOWED);
  CHECK(policysim_evaluate(set, withoutMfa, &decision) == POLICYSIM_OK);
  CHECK(decision == POLICYSIM_EXPLICIT_DENY);

  /* Explanation: too small a buffer reports the size needed, then it fits. */
  size_t needed = 0;
  char tiny[8];
  CHECK(policysim_evaluate_explain(set, withoutMfa, &decision, tiny, sizeof tiny, &needed) ==
        POLICYSIM_BUFFER_TOO_SMALL);
  CHECK(decision == POLICYSIM_EXPLICIT_DENY);
  CHECK(needed > sizeof tiny);
  char* json = malloc(needed + 1);
  CHECK(policysim_evaluate_explain(set, withoutMfa, &decision, json, needed + 1, &needed) ==
        POLICYSIM_OK);
  CHECK(strlen(json) == needed);
  CHECK(strstr(json, "\"decision\":\"explicitDeny\"") != NULL);
  CHECK(strstr(json, "DenyEverythingElseWithoutMFA") != NULL);
  free(json);

  /* A request parsed from JSON. */
  const char* text =
      "{\"principal\":\"arn:aws:iam::111122223333:user/alice\",\"action\":\"iam:ChangePassword\","
      "\"resource\":\"arn:aws:iam::111122223333:user/alice\",\"context\":{\"aws:username\":"
      "\"alice\",\"aws:MultiFactorAuthPresent\":false}}";
  policysim_request* parsed = NULL;
  CHECK(policysim_request_parse_json(text, strlen(text), &parsed) == POLICYSIM_OK);
  CHECK(policysim_evaluate(set, parsed, &decision) == POLICYSIM_OK);
  CHECK(decision == POLICYSIM_ALLOWED);
  policysim_request_free(parsed);

  /* Errors come back as codes with a message on this thread. */
  policysim_request* bad = NULL;
  CHECK(policysim_request_parse_json("{\"action\":", 10, &bad) == POLICYSIM_INVALID_ARGUMENT);
  CHECK(bad == NULL);
  CHECK(strstr(policysim_last_error(), "error") != NULL);
  CHECK(policysim_request_set_bool(withMfa, "AWS:MULTIFACTORAUTHPRESENT", 0) ==
        POLICYSIM_INVALID_ARGUMENT);
  CHECK(policysim_evaluate(NULL, withMfa, &decision) == POLICYSIM_INVALID_ARGUMENT);
  CHECK(decision == POLICYSIM_IMPLICIT_DENY);
  CHECK(policysim_request_new(kAlice, NULL, NULL) == NULL);

  policysim_loader* broken = policysim_loader_new();
  const char* policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Maybe\"}]}";
  CHECK(policysim_loader_add_text(broken, POLICYSIM_ROLE_IDENTITY, "broken.json", policy,
                                  strlen(policy)) == POLICYSIM_INVALID_ARGUMENT);
  CHECK(strstr(policysim_last_error(), "broken.json:1:") != NULL);
  CHECK(policysim_loader_add_file(broken, POLICYSIM_ROLE_IDENTITY, "/nonexistent.json") ==
        POLICYSIM_NOT_FOUND);
  CHECK(policysim_loader_add_directory(broken, "/nonexistent-dir") == POLICYSIM_NOT_FOUND);
  policysim_loader_free(broken);

  /* A policy directory (identity/, scp/, top-level JSON files). */
  char dir[] = "/tmp/policysim-c-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char file[4200];
  snprintf(file, sizeof file, "%s/allow.json", dir);
  FILE* out = fopen(file, "w");
  CHECK(out != NULL);
  fputs(
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
      "\"Resource\":\"*\"}]}",
      out);
  fclose(out);
  policysim_loader* fromDirLoader = policysim_loader_new();
  CHECK(policysim_loader_add_directory(fromDirLoader, dir) == POLICYSIM_OK);
  policysim_policy_set* fromDir = NULL;
  CHECK(policysim_loader_build(fromDirLoader, &fromDir) == POLICYSIM_OK);
  policysim_request* list = policysim_request_new(kAlice, "s3:ListAllMyBuckets", NULL);
  CHECK(policysim_evaluate(fromDir, list, &decision) == POLICYSIM_OK);
  CHECK(decision == POLICYSIM_ALLOWED);
  policysim_request_free(list);
  policysim_policy_set_free(fromDir);
  policysim_loader_free(fromDirLoader);
  remove(file);
  remove(dir);

  /* A policy given as text, in the resource role (Principal is allowed there only). */
  const char* bucket =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
      "\"arn:aws:iam::111122223333:user/alice\"},\"Action\":\"s3:GetObject\",\"Resource\":"
      "\"arn:aws:s3:::b/*\"}]}";
  policysim_loader* second = policysim_loader_new();
  CHECK(policysim_loader_add_text(second, POLICYSIM_ROLE_IDENTITY, "id.json", bucket,
                                  strlen(bucket)) == POLICYSIM_INVALID_ARGUMENT);
  CHECK(policysim_loader_add_text(second, POLICYSIM_ROLE_RESOURCE, "bucket.json", bucket,
                                  strlen(bucket)) == POLICYSIM_OK);
  policysim_policy_set* bucketSet = NULL;
  CHECK(policysim_loader_build(second, &bucketSet) == POLICYSIM_OK);
  policysim_request* get = policysim_request_new(kAlice, "s3:GetObject", "arn:aws:s3:::b/k");
  const char* tags[] = {"a", "b"};
  CHECK(policysim_request_set(get, "aws:TagKeys", POLICYSIM_VALUE_STRING, tags, 2, 1) ==
        POLICYSIM_OK);
  CHECK(policysim_request_set(get, "x:Two", POLICYSIM_VALUE_STRING, tags, 2, 0) ==
        POLICYSIM_INVALID_ARGUMENT);
  CHECK(policysim_evaluate(bucketSet, get, &decision) == POLICYSIM_OK);
  CHECK(decision == POLICYSIM_ALLOWED);
  policysim_request_free(get);
  policysim_policy_set_free(bucketSet);
  policysim_loader_free(second);

  /* An RCP denies what the bucket policy grants; a VPC endpoint policy is accepted too. */
  const char* rcp =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
      "\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
  const char* endpoint =
      "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
      "\"Resource\":\"*\"}]}";
  policysim_loader* third = policysim_loader_new();
  CHECK(policysim_loader_add_text(third, POLICYSIM_ROLE_RCP, "rcp.json", bucket, strlen(bucket)) ==
        POLICYSIM_INVALID_ARGUMENT); /* an RCP names only "*" */
  CHECK(policysim_loader_add_text(third, POLICYSIM_ROLE_RESOURCE, "bucket.json", bucket,
                                  strlen(bucket)) == POLICYSIM_OK);
  CHECK(policysim_loader_add_text(third, POLICYSIM_ROLE_RCP, "rcp.json", rcp, strlen(rcp)) ==
        POLICYSIM_OK);
  CHECK(policysim_loader_add_text(third, POLICYSIM_ROLE_VPC_ENDPOINT, "vpce.json", endpoint,
                                  strlen(endpoint)) == POLICYSIM_OK);
  policysim_policy_set* rcpSet = NULL;
  CHECK(policysim_loader_build(third, &rcpSet) == POLICYSIM_OK);
  policysim_request* denied = policysim_request_new(kAlice, "s3:GetObject", "arn:aws:s3:::b/k");
  CHECK(policysim_evaluate(rcpSet, denied, &decision) == POLICYSIM_OK);
  CHECK(decision == POLICYSIM_EXPLICIT_DENY);
  policysim_request_free(denied);
  policysim_policy_set_free(rcpSet);
  policysim_loader_free(third);

  /* A reference outlives the handle it came from. */
  policysim_policy_set* ref = policysim_policy_set_ref(set);
  policysim_policy_set_free(set);
  CHECK(policysim_evaluate(ref, withMfa, &decision) == POLICYSIM_OK);
  CHECK(decision == POLICYSIM_ALLOWED);
  policysim_policy_set_free(ref);

  policysim_request_free(withMfa);
  policysim_request_free(withoutMfa);
  policysim_loader_free(loader);
  policysim_policy_set_free(NULL);
  policysim_request_free(NULL);
  policysim_loader_free(NULL);

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
