"""Schemathesis hooks for Portcullis: keep the run from locking itself out.

The run signs in once (a portal session), makes one API token with every
scope, and puts 127.0.0.1 on both the portal and the API IP allowlists (an
address passes a list when any entry covers it, so whatever entries the run
adds, it keeps its access). Schemathesis then drives every operation, also
with ids taken from earlier answers in its stateful phase. Four of those ids
would end the run's own access if the call succeeded, after which every later
call would only test the 401/403 path:

- the run's API token    (DELETE or PATCH /api/v1/tokens/{id}: delete, disable, re-allowlist it),
- the run's session      (DELETE /api/v1/sessions/{id}),
- its 127.0.0.1 entries  (DELETE /api/v1/portal-allowlist/{id}, DELETE /api/v1/api-allowlist/{id}).

Rather than excluding those operations, this hook swaps exactly those ids
for well-formed ids that name nothing, so the operations are still exercised
(their 404 path with these ids, every path with all the others).
"""

import os

import schemathesis

PROTECTED_IDS = {
    os.environ["PORTCULLIS_ST_TOKEN_ID"],
    os.environ["PORTCULLIS_ST_SESSION_ID"],
    os.environ["PORTCULLIS_ST_PORTAL_ENTRY_ID"],
    os.environ["PORTCULLIS_ST_API_ENTRY_ID"],
}


@schemathesis.hook
def before_call(ctx, case, kwargs):
    params = case.path_parameters
    if not params:
        return
    value = params.get("id")
    if isinstance(value, str) and value in PROTECTED_IDS:
        # Keep the kind prefix (tok_, ses_, ppa_…) so the id still looks real.
        prefix = value.split("_", 1)[0]
        params["id"] = f"{prefix}_00000000000000000000000000000000"
