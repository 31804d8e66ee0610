#!/usr/bin/env python3
"""Loads libpolicysim_c.so with Python's ctypes, as an FFI embedder would, and checks that the
C ABI works through it: version, loading a policy, decisions with and without MFA, errors with
positions, explanations with the buffer protocol, and that the library exports nothing but the
policysim_* C functions.

Usage: ctypes_test.py LIBRARY POLICIES_DIR. Exits 0 when every check passed.
"""
import ctypes
import json
import os
import subprocess
import sys

checks = 0
failures = 0


def check(condition, what):
    global checks, failures
    checks += 1
    if not condition:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)


def declare(lib):
    c_char_p, c_size_t, c_int = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int
    vp = ctypes.c_void_p
    sigs = {
        "policysim_version": (c_char_p, []),
        "policysim_last_error": (c_char_p, []),
        "policysim_decision_name": (c_char_p, [c_int]),
        "policysim_loader_new": (vp, []),
        "policysim_loader_free": (None, [vp]),
        "policysim_loader_add_text": (c_int, [vp, c_int, c_char_p, c_char_p, c_size_t]),
        "policysim_loader_add_file": (c_int, [vp, c_int, c_char_p]),
        "policysim_loader_build": (c_int, [vp, ctypes.POINTER(vp)]),
        "policysim_policy_set_free": (None, [vp]),
        "policysim_policy_set_warning_count": (c_size_t, [vp]),
        "policysim_request_new": (vp, [c_char_p, c_char_p, c_char_p]),
        "policysim_request_parse_json": (c_int, [c_char_p, c_size_t, ctypes.POINTER(vp)]),
        "policysim_request_free": (None, [vp]),
        "policysim_request_set_string": (c_int, [vp, c_char_p, c_char_p]),
        "policysim_request_set_bool": (c_int, [vp, c_char_p, c_int]),
        "policysim_request_set_number": (c_int, [vp, c_char_p, ctypes.c_int64]),
        "policysim_evaluate": (c_int, [vp, vp, ctypes.POINTER(c_int)]),
        "policysim_evaluate_explain": (
            c_int, [vp, vp, ctypes.POINTER(c_int), c_char_p, c_size_t, ctypes.POINTER(c_size_t)]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


OK, INVALID_ARGUMENT, BUFFER_TOO_SMALL = 0, 1, 5
ALLOWED, EXPLICIT_DENY = 0, 1
ROLE_IDENTITY = 0
ALICE = b"arn:aws:iam::111122223333:user/alice"


def exported_symbols(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True,
                         capture_output=True, text=True).stdout
    # Type "A" lines are the version nodes of exports.map (POLICYSIM_0), not symbols.
    rows = [line.split() for line in out.splitlines() if line.strip()]
    return [row[-1] for row in rows if len(row) >= 2 and row[-2] != "A"]


def main():
    if len(sys.argv) != 3:
        print("usage: ctypes_test.py LIBRARY POLICIES_DIR", file=sys.stderr)
        return 2
    library, policies = sys.argv[1], sys.argv[2]
    lib = ctypes.CDLL(library)
    declare(lib)

    check(lib.policysim_version().decode() != "", "version is not empty")
    check(lib.policysim_decision_name(EXPLICIT_DENY) == b"explicitDeny", "decision name")

    # Load force_mfa.json through the shared library.
    loader = lib.policysim_loader_new()
    path = os.path.join(policies, "force_mfa.json").encode()
    check(lib.policysim_loader_add_file(loader, ROLE_IDENTITY, path) == OK, "add_file")
    policy_set = ctypes.c_void_p()
    check(lib.policysim_loader_build(loader, ctypes.byref(policy_set)) == OK, "build")
    lib.policysim_loader_free(loader)
    check(lib.policysim_policy_set_warning_count(policy_set) == 0, "no warnings")

    def decide(mfa):
        request = lib.policysim_request_new(ALICE, b"iam:CreateAccessKey", ALICE)
        lib.policysim_request_set_string(request, b"aws:username", b"alice")
        if mfa:
            lib.policysim_request_set_bool(request, b"aws:MultiFactorAuthPresent", 1)
            lib.policysim_request_set_number(request, b"aws:MultiFactorAuthAge", 300)
        decision = ctypes.c_int(-1)
        status = lib.policysim_evaluate(policy_set, request, ctypes.byref(decision))
        lib.policysim_request_free(request)
        return status, decision.value

    check(decide(True) == (OK, ALLOWED), "with MFA the force-MFA policy allows")
    check(decide(False) == (OK, EXPLICIT_DENY), "without MFA it is an explicit deny")

    # The explanation, through the buffer protocol: too small first, then the size it asked.
    body = json.dumps({"principal": ALICE.decode(), "action": "iam:CreateAccessKey",
                       "resource": ALICE.decode(),
                       "context": {"aws:username": "alice"}}).encode()
    request = ctypes.c_void_p()
    check(lib.policysim_request_parse_json(body, len(body), ctypes.byref(request)) == OK,
          "request from JSON")
    decision, needed = ctypes.c_int(-1), ctypes.c_size_t(0)
    small = ctypes.create_string_buffer(4)
    status = lib.policysim_evaluate_explain(policy_set, request, ctypes.byref(decision), small, 4,
                                            ctypes.byref(needed))
    check(status == BUFFER_TOO_SMALL and needed.value > 4, "a small buffer asks for more")
    big = ctypes.create_string_buffer(needed.value + 1)
    status = lib.policysim_evaluate_explain(policy_set, request, ctypes.byref(decision), big,
                                            needed.value + 1, ctypes.byref(needed))
    check(status == OK, "explain into a buffer of the size asked")
    explained = json.loads(big.value.decode())
    check(explained.get("decision") == "explicitDeny", "explanation names the decision")
    lib.policysim_request_free(request)

    # Bad policy text: an error with a position, no crash.
    loader = lib.policysim_loader_new()
    bad = b'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}]}'
    status = lib.policysim_loader_add_text(loader, ROLE_IDENTITY, b"bad.json", bad, len(bad))
    check(status == INVALID_ARGUMENT, "bad JSON is refused")
    check(b"bad.json:1:" in lib.policysim_last_error(), "the error names file and line")
    lib.policysim_loader_free(loader)
    lib.policysim_policy_set_free(policy_set)

    # Only the C ABI is exported: no C++ (mangled) symbols, nothing outside policysim_*.
    symbols = exported_symbols(library)
    check(len(symbols) > 10, "the C functions are exported")
    strays = [s for s in symbols if not s.startswith("policysim_")]
    check(not strays, f"only policysim_* symbols are exported (also: {strays[:5]})")

    print(f"{checks - failures} passed, {failures} failed")
    return 0 if failures == 0 and checks > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
