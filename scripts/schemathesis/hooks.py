"""Schemathesis hooks for Portcullis: keep the run from locking itself out.

The run signs in once (a portal session) and makes one API token with every
scope; schemathesis then drives every operation, following the responses of
earlier calls in its stateful phase. A few calls would end that session or
disable that token, after which every later call would only test the 401/403
path. Instead of excluding those operations, these hooks steer the few inputs
that would do it, so the operations themselves are still exercised:

- DELETE/PATCH /api/v1/tokens/{id} with the run's own token id: the id is
  replaced by another well-formed id (the call then tests the 404 path).
- DELETE /api/v1/sessions/{id} with the run's own session id: the same.
- POST /api/v1/portal-allowlist and DELETE /api/v1/portal-allowlist/{id}:
  `confirm_lockout` is forced off, so the server's own lock-out guard answers
  409 would_lock_out instead of shutting the run's address out.
- POST /api/v1/api-allowlist: an entry that was added is removed again right
  after, so the token keeps working from 127.0.0.1 (the entry's validation,
  storage and answer are still tested).
"""

import os

import requests
import schemathesis

BASE_URL = os.environ["PORTCULLIS_ST_URL"]
TOKEN_ID = os.environ["PORTCULLIS_ST_TOKEN_ID"]
SESSION_ID = os.environ["PORTCULLIS_ST_SESSION_ID"]
SESSION_COOKIE = os.environ["PORTCULLIS_ST_SESSION"]
CSRF = os.environ["PORTCULLIS_ST_CSRF"]
# Well-formed ids that name nothing.
STAND_INS = {
    TOKEN_ID: "tok_00000000000000000000000000000000",
    SESSION_ID: "ses_00000000000000000000000000000000",
}


@schemathesis.hook
def before_call(ctx, case, kwargs):
    path = case.operation.path
    if path in ("/api/v1/tokens/{id}", "/api/v1/sessions/{id}") and case.path_parameters:
        value = case.path_parameters.get("id")
        if isinstance(value, str) and value in STAND_INS:
            case.path_parameters["id"] = STAND_INS[value]
    if path == "/api/v1/portal-allowlist" and isinstance(case.body, dict):
        if "confirm_lockout" in case.body:
            case.body["confirm_lockout"] = False
    if path == "/api/v1/portal-allowlist/{id}" and isinstance(case.query, dict):
        case.query.pop("confirm_lockout", None)


@schemathesis.hook
def after_call(ctx, case, response):
    if case.operation.path != "/api/v1/api-allowlist" or case.method.upper() != "POST":
        return
    if response.status_code != 201:
        return
    entry_id = response.json()["id"]
    cleanup = requests.delete(
        f"{BASE_URL}/api/v1/api-allowlist/{entry_id}",
        cookies={"portcullis_session": SESSION_COOKIE},
        headers={"X-CSRF-Token": CSRF},
        timeout=30,
    )
    if cleanup.status_code != 204:
        raise RuntimeError(f"could not remove API allowlist entry {entry_id}: {cleanup.status_code}")
