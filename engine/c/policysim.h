/* policysim C ABI: AWS IAM policy evaluation for gateways written in C or reached through an FFI.
 *
 * Handles are opaque and explicitly created and freed. Every function that can fail returns a
 * policysim_status; the message of the last failure on the calling thread is returned by
 * policysim_last_error() (thread-local, valid until the next failing call on that thread).
 * No C++ exception ever crosses this interface.
 *
 * Thread safety: a policysim_policy_set is immutable and may be evaluated from many threads at
 * once. Loaders and requests are used by one thread at a time. Freeing a policy set while
 * another thread evaluates it is the caller's bug: keep a reference (policysim_policy_set_ref)
 * per user when sets are swapped at run time.
 *
 *   policysim_loader* loader = policysim_loader_new();
 *   policysim_loader_add_file(loader, POLICYSIM_ROLE_IDENTITY, "force_mfa.json");
 *   policysim_policy_set* set = NULL;
 *   if (policysim_loader_build(loader, &set) != POLICYSIM_OK) puts(policysim_last_error());
 *   policysim_request* request = policysim_request_new(principal, "iam:CreateAccessKey", arn);
 *   policysim_request_set_bool(request, "aws:MultiFactorAuthPresent", 1);
 *   policysim_decision decision;
 *   policysim_evaluate(set, request, &decision);      // POLICYSIM_ALLOWED, ..._DENY
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum policysim_status {
  POLICYSIM_OK = 0,
  POLICYSIM_INVALID_ARGUMENT = 1,   /* input that breaks IAM's grammar, or a bad argument */
  POLICYSIM_NOT_FOUND = 2,          /* a file that cannot be read */
  POLICYSIM_RESOURCE_EXHAUSTED = 3, /* input over a documented limit */
  POLICYSIM_INTERNAL = 4,           /* a bug, or out of memory */
  POLICYSIM_BUFFER_TOO_SMALL = 5    /* the caller's buffer was too small; see *needed */
} policysim_status;

/* The values match the simulator's words: allowed, explicitDeny, implicitDeny. */
typedef enum policysim_decision {
  POLICYSIM_ALLOWED = 0,
  POLICYSIM_EXPLICIT_DENY = 1,
  POLICYSIM_IMPLICIT_DENY = 2
} policysim_decision;

typedef enum policysim_role {
  POLICYSIM_ROLE_IDENTITY = 0,
  POLICYSIM_ROLE_RESOURCE = 1,
  POLICYSIM_ROLE_BOUNDARY = 2,
  POLICYSIM_ROLE_SCP = 3,
  POLICYSIM_ROLE_SESSION = 4,
  POLICYSIM_ROLE_RCP = 5,         /* resource control policy; add one per organisation level */
  POLICYSIM_ROLE_VPC_ENDPOINT = 6 /* applies to requests carrying aws:SourceVpce */
} policysim_role;

typedef enum policysim_value_type {
  POLICYSIM_VALUE_STRING = 0,
  POLICYSIM_VALUE_NUMBER = 1, /* decimal text, e.g. "300" */
  POLICYSIM_VALUE_BOOL = 2,   /* "true" or "false" */
  POLICYSIM_VALUE_DATE = 3,   /* ISO 8601, e.g. "2026-11-22T10:00:00Z" */
  POLICYSIM_VALUE_IP = 4,
  POLICYSIM_VALUE_BINARY = 5 /* base64 */
} policysim_value_type;

typedef struct policysim_loader policysim_loader;
typedef struct policysim_policy_set policysim_policy_set;
typedef struct policysim_request policysim_request;

/* The library version, e.g. "0.1.0". Static storage. */
const char* policysim_version(void);
/* The message of the last failed call on this thread ("" if none). Valid until the next failing
 * call on the same thread. Includes FILE:LINE:COL when the input has a position. */
const char* policysim_last_error(void);
/* "allowed", "explicitDeny" or "implicitDeny" (static storage; "unknown" for other values). */
const char* policysim_decision_name(policysim_decision decision);

/* --- Loading policies -------------------------------------------------------------------- */

/* A new, empty loader; NULL only when out of memory. */
policysim_loader* policysim_loader_new(void);
/* Frees the loader. NULL is ignored. */
void policysim_loader_free(policysim_loader* loader);
/* Parses a policy given as JSON text (text need not be NUL-terminated). name labels errors. */
policysim_status policysim_loader_add_text(policysim_loader* loader, policysim_role role,
                                           const char* name, const char* text, size_t length);
/* Reads and parses a policy file. */
policysim_status policysim_loader_add_file(policysim_loader* loader, policysim_role role,
                                           const char* path);
/* Adds every policy of a policy directory (identity/, scp/, resource.json ...; docs/serve.md). */
policysim_status policysim_loader_add_directory(policysim_loader* loader, const char* directory);
/* Compiles what was added into *out and empties the loader. On failure *out is NULL. */
policysim_status policysim_loader_build(policysim_loader* loader, policysim_policy_set** out);

/* A new handle to the same immutable set (a reference count); free each with _free. */
policysim_policy_set* policysim_policy_set_ref(const policysim_policy_set* set);
/* Drops this handle. NULL is ignored. */
void policysim_policy_set_free(policysim_policy_set* set);
/* Number of load-time warnings; policysim_policy_set_warning() returns each
 * ("FILE:LINE:COL: warning: message", valid while the handle lives; NULL if out of range). */
size_t policysim_policy_set_warning_count(const policysim_policy_set* set);
const char* policysim_policy_set_warning(const policysim_policy_set* set, size_t index);

/* --- Requests ------------------------------------------------------------------------------ */

/* A request. principal NULL or "" names none: evaluated as AWS's policy simulator does without
 * CallerArn, for an IAM user of the resource's account to whom the identity policies are
 * attached (semantics 4.8a); "*" asks for an anonymous (unsigned) request. resource NULL means
 * "*". NULL when action is NULL or out of memory. */
policysim_request* policysim_request_new(const char* principal, const char* action,
                                         const char* resource);
/* Parses one request from JSON (policysim's shape or simulate-custom-policy input). */
policysim_status policysim_request_parse_json(const char* json, size_t length,
                                              policysim_request** out);
void policysim_request_free(policysim_request* request);
/* Sets a context key to one or more values (count >= 1). multivalued != 0 makes it a set that
 * only ForAllValues:/ForAnyValue: operators test. Keys are case-insensitive; setting a key
 * twice is POLICYSIM_INVALID_ARGUMENT. */
policysim_status policysim_request_set(policysim_request* request, const char* key,
                                       policysim_value_type type, const char* const* values,
                                       size_t count, int multivalued);
policysim_status policysim_request_set_string(policysim_request* request, const char* key,
                                              const char* value);
policysim_status policysim_request_set_bool(policysim_request* request, const char* key, int value);
policysim_status policysim_request_set_number(policysim_request* request, const char* key,
                                              int64_t value);

/* --- Evaluation ---------------------------------------------------------------------------- */

/* Decides a request. Fails (and sets *decision to POLICYSIM_IMPLICIT_DENY) only on a NULL
 * argument; policy problems deny inside the decision. Allocation-free after a warm-up call on
 * the same thread with a similar request. */
policysim_status policysim_evaluate(const policysim_policy_set* set,
                                    const policysim_request* request, policysim_decision* decision);
/* The same, and writes the decision with its explanation as one NUL-terminated JSON object
 * (the `policysim check --format json` shape) into buffer. *needed (optional) receives the JSON
 * length without the NUL. If capacity <= that length, returns POLICYSIM_BUFFER_TOO_SMALL
 * (buffer untouched, *decision still set): call again with a buffer of *needed + 1 bytes. */
policysim_status policysim_evaluate_explain(const policysim_policy_set* set,
                                            const policysim_request* request,
                                            policysim_decision* decision, char* buffer,
                                            size_t capacity, size_t* needed);

#ifdef __cplusplus
}
#endif
