#!/usr/bin/env python3
"""Test helper for tests/serve/jwt_test.sh: real JWTs signed with keys made by `openssl`.

  jwt_tool.py jwks KID=rsa.pub.pem KID=ec.pub.pem ...   -> a JWK Set on stdout
  jwt_tool.py sign KEY.pem ALG KID CLAIMS-JSON          -> a compact JWS on stdout

ALG is RS256 or ES256 (signed by `openssl dgst`), "none" (empty signature), or HS256, where
KEY.pem is used as the HMAC secret (the key-confusion attack: a public key as shared secret).
Only the standard library and the openssl command are used.
"""
import base64
import hashlib
import hmac
import json
import subprocess
import sys


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args, data=None) -> bytes:
    return subprocess.run(["openssl", *args], input=data, check=True,
                          capture_output=True).stdout


def der_to_raw(der: bytes) -> bytes:
    """ECDSA-Sig-Value (SEQUENCE of two INTEGERs) -> R || S, 32 bytes each."""
    assert der[0] == 0x30
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        length = der[i + 1]
        value = der[i + 2:i + 2 + length].lstrip(b"\0")
        out += value.rjust(32, b"\0")
        i += 2 + length
    return out


def jwk(kid: str, pem_path: str) -> dict:
    text = open(pem_path, "rb").read()
    der = openssl("pkey", "-pubin", "-outform", "DER", data=text)
    if b"BEGIN PUBLIC KEY" in text and b"\x2a\x86\x48\xce\x3d\x02\x01" in der:  # id-ecPublicKey
        point = der[-65:]
        assert point[0] == 4
        return {"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
                "x": b64url(point[1:33]), "y": b64url(point[33:])}
    modulus = openssl("rsa", "-pubin", "-noout", "-modulus", data=text).decode()
    n = bytes.fromhex(modulus.strip().split("=", 1)[1])
    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64url(n),
            "e": b64url((65537).to_bytes(3, "big"))}


def sign(key_path: str, alg: str, kid: str, claims: str) -> str:
    header = {"alg": alg, "typ": "JWT"}
    if kid:
        header["kid"] = kid
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(claims.encode()))
    data = signing_input.encode()
    if alg == "none":
        signature = b""
    elif alg == "HS256":
        signature = hmac.new(open(key_path, "rb").read(), data, hashlib.sha256).digest()
    else:
        signature = openssl("dgst", "-sha256", "-sign", key_path, data=data)
        if alg == "ES256":
            signature = der_to_raw(signature)
    return signing_input + "." + b64url(signature)


def main() -> None:
    if sys.argv[1] == "jwks":
        keys = [jwk(*arg.split("=", 1)) for arg in sys.argv[2:]]
        print(json.dumps({"keys": keys}))
    elif sys.argv[1] == "sign":
        print(sign(*sys.argv[2:6]))
    else:
        sys.exit("usage: jwt_tool.py jwks KID=PEM... | sign KEY ALG KID CLAIMS")


if __name__ == "__main__":
    main()
