#!/usr/bin/env python3
"""The proofs of `scripts/stack check`, against a stack `scripts/stack up` started
(Python stdlib only). Each proof prints one line; any failure exits non-zero.

usage: scripts/stack-check.py STATE_DIR/stack.env

Which process answers is never guessed: the replicas are also called on their
own ports (as a direct client, whose X-Forwarded-For they ignore), and through
nginx the stack's nginx.conf adds X-Stack-Upstream, the replica that answered.
"""
import gzip, http.client, http.cookiejar, json, os, re, signal, sys, threading, time
import urllib.error, urllib.parse, urllib.request

ENV = dict(line.strip().split("=", 1) for line in open(sys.argv[1]) if "=" in line)
PROXY = ENV["PORTCULLIS_STACK_URL"]
REPLICAS = [ENV["PORTCULLIS_STACK_REPLICA_1"], ENV["PORTCULLIS_STACK_REPLICA_2"]]
PIDS = [int(ENV["PORTCULLIS_STACK_REPLICA_1_PID"]), int(ENV["PORTCULLIS_STACK_REPLICA_2_PID"])]
PROXY_ADDRESS = ENV["PORTCULLIS_STACK_PROXY_ADDRESS"]
STATIC = ENV["PORTCULLIS_STACK_STATIC_DIR"]
SPOOFED = "203.0.113.9"
PASSWORD = "Stack-Check-Kettle-42"
failures = []


def say(*parts):
    print("stack:", *parts, flush=True)


def check(ok, line):
    """One proof's line, marked; a failed one fails the run at the end."""
    print(("  ok    " if ok else "  FAIL  ") + line, flush=True)
    if not ok:
        failures.append(line)


def replica_name(upstream):
    """`1` or `2` for an X-Stack-Upstream value (the last address nginx tried)."""
    last = (upstream or "").split(",")[-1].split(":")[-2:]
    for n, url in enumerate(REPLICAS, 1):
        if url.endswith(":".join(last).strip()):
            return str(n)
    return "?"


class Client:
    """A cookie jar (one browser) with its CSRF token."""

    def __init__(self, agent="stack-check"):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = "1"
        self.agent = agent

    def call(self, method, base, path, body=None, token=None, headers=None):
        """(status, json body or None, response headers)"""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("X-CSRF-Token", self.csrf)
        req.add_header("User-Agent", self.agent)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with self.opener.open(req, timeout=15) as r:
                text = r.read()
                return r.status, (json.loads(text) if text else None), r.headers
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = text
            return e.code, parsed, e.headers


def sign_up(email):
    client = Client()
    status, _, _ = client.call("POST", PROXY, "/api/v1/auth/signup",
                               {"email": email, "password": PASSWORD, "country": "PL"})
    assert status == 202, status
    for _ in range(100):
        links = [m["body"] for m in outbox(email) if "token=" in m["body"]]
        if links:
            break
        time.sleep(0.1)
    token = re.search(r"token=([A-Za-z0-9_-]+)", links[0]).group(1)
    status, me, _ = client.call("POST", PROXY, "/api/v1/auth/signup/confirm", {"token": token})
    assert status == 200, (status, me)
    client.csrf = me["session"]["csrf_token"]
    return client


def outbox(email):
    """The development outbox's messages to `email` (a shared table), read on
    replica 1's own port so that nginx's round robin is not moved by it."""
    query = urllib.parse.urlencode({"recipient": email})
    _, found, _ = Client().call("GET", REPLICAS[0], "/api/v1/dev/outbox?" + query)
    return found["messages"]


def outbox_ids(email):
    return {m["id"] for m in outbox(email)}


def current_session(client, base):
    """The session `client` is signed in with, as the replica at `base` lists it."""
    _, sessions, _ = client.call("GET", base, "/api/v1/sessions")
    return next(s for s in sessions if s["current"])


def new_code(email, seen):
    """The code in the first e-mail to `email` not in `seen` (the development outbox)."""
    for _ in range(100):
        for m in outbox(email):
            found = re.search(r"\b(\d{6})\b", m["body"])
            if m["id"] not in seen and found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no sign-in code for {email} in the development outbox")


def sign_in(email, base, agent, spoof=True):
    """A sign-in from a new browser; its new-device code is read from the outbox.
    Returns the client and the replica nginx says opened the session."""
    client = Client(agent)
    headers = {"X-Forwarded-For": SPOOFED} if spoof else {}
    seen = outbox_ids(email)
    status, me, h = client.call("POST", base, "/api/v1/auth/login",
                                {"email": email, "password": PASSWORD}, headers=headers)
    if status == 202:
        status, me, h = client.call("POST", base, "/api/v1/auth/login/verify", {
            "challenge_id": me["challenge_id"], "method": "email",
            "code": new_code(email, seen), "trust_device": False}, headers=headers)
    assert status == 200, (status, me)
    client.csrf = me["session"]["csrf_token"]
    return client, h.get("X-Stack-Upstream")


def new_token(owner, name, scopes):
    status, created, _ = owner.call("POST", PROXY, "/api/v1/tokens", {"name": name, "scopes": scopes})
    assert status == 201, (status, created)
    return created["token"]["id"], created["secret"]


def until_refused(request, limit_s=3.0):
    """Milliseconds until `request()` answers 401 (None if it never does within limit_s)."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if request() == 401:
            return (time.monotonic() - started) * 1000
        time.sleep(0.005)
    return None


def proof_client_address(email):
    """Sign-ins through nginx carrying a forged X-Forwarded-For, until each replica
    has answered one: each session shows 127.0.0.1 (the address nginx appended),
    neither the forged one nor nginx's own (which would mean the header was ignored)."""
    seen = {}
    for attempt in range(8):
        client, upstream = sign_in(email, PROXY, f"stack-check address {attempt}")
        if replica_name(upstream) in seen:
            # A sign-in is two requests (password, then the new-device code):
            # one more moves nginx's round robin on to the other replica.
            Client().call("GET", PROXY, "/livez")
        seen.setdefault(replica_name(upstream), client)
        if {"1", "2"} <= seen.keys():
            break
    for n in ("1", "2"):
        client = seen.get(n)
        if client is None:
            check(False, f"address: no sign-in through nginx reached replica {n}")
            continue
        # Read back on the replica's own port: the session it recorded.
        ip = current_session(client, REPLICAS[int(n) - 1])["ip"]
        check(ip == "127.0.0.1",
              f"address: replica {n} recorded a sign-in through nginx with X-Forwarded-For: {SPOOFED} "
              f"as from {ip} (the client; nginx connects from {PROXY_ADDRESS})")
    owner = next(iter(seen.values()))
    _, log, _ = owner.call("GET", PROXY, "/api/v1/security-log?limit=100")
    ips = sorted({e["ip"] for e in log["events"] if e.get("ip")})
    check(ips == ["127.0.0.1"], f"address: every security-log event's ip: {ips}")
    # A client calling a replica directly is no trusted proxy: its header is ignored too.
    direct, _ = sign_in(email, REPLICAS[0], "stack-check address direct")
    ip = current_session(direct, REPLICAS[0])["ip"]
    check(ip == "127.0.0.1", f"address: a forged X-Forwarded-For sent straight to replica 1 gives {ip}")


def proof_token_revocation(owner):
    """A token deleted through one replica is refused by the other within a second
    (both had it cached, valid, just before)."""
    for via, other in ((0, 1), (1, 0)):
        token_id, secret = new_token(owner, f"revoked-via-{via + 1}", ["profile"])
        profile = lambda base: owner.call("GET", base, "/api/v1/profile", token=secret)[0]
        warm = [profile(REPLICAS[0]), profile(REPLICAS[1]), profile(PROXY)]
        if warm != [200, 200, 200]:
            check(False, f"revocation: the new token was not accepted everywhere: {warm}")
            continue
        status, _, _ = owner.call("DELETE", REPLICAS[via], f"/api/v1/tokens/{token_id}")
        assert status == 204, status
        ms = until_refused(lambda: profile(REPLICAS[other]))
        after = [profile(PROXY) for _ in range(4)]
        check(ms is not None and ms < 1000 and after == [401] * 4,
              f"revocation: token deleted via replica {via + 1} refused by replica {other + 1} after "
              f"{'never' if ms is None else f'{ms:.0f} ms'} (limit 1000 ms); through nginx then: {after}")


def proof_session_end(owner, email):
    """A session ended through one replica is refused by the other on its next request."""
    for via, other in ((0, 1), (1, 0)):
        victim, _ = sign_in(email, PROXY, f"stack-check session {via}", spoof=False)
        me = lambda base: victim.call("GET", base, "/api/v1/me")[0]
        before = [me(REPLICAS[0]), me(REPLICAS[1])]
        session_id = current_session(victim, PROXY)["id"]
        status, _, _ = owner.call("DELETE", REPLICAS[via], f"/api/v1/sessions/{session_id}")
        assert status == 204, status
        ms = until_refused(lambda: me(REPLICAS[other]))
        check(before == [200, 200] and ms is not None and ms < 1000,
              f"session: ended via replica {via + 1}, refused by replica {other + 1} after "
              f"{'never' if ms is None else f'{ms:.0f} ms'} (accepted by both before: {before})")


def fetch(path, encoding):
    """GET through nginx with that Accept-Encoding, undecoded: (status, headers, body)."""
    host = urllib.parse.urlsplit(PROXY)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=15)
    conn.request("GET", path, headers={"Accept-Encoding": encoding} if encoding else {})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, r.headers, body


def proof_static_files():
    """The portal's assets through nginx: brotli or gzip as asked, the same bytes,
    hashed names cached for a year as immutable, the index never stored."""
    # A browser with no session cookie is sent from the root to /login (the sign-in bundle).
    status, headers, _ = fetch("/", None)
    check(status == 302 and headers.get("Location") == "/login"
          and headers.get("Cache-Control") == "no-store",
          f"static: / without a session cookie is {status} to {headers.get('Location')}, "
          f"Cache-Control: {headers.get('Cache-Control')}")
    assets = set()
    for page in ("/login", "/tokens"):
        status, headers, index = fetch(page, None)
        check(status == 200 and headers.get("Cache-Control") == "no-store",
              f"static: {page} is {status}, Cache-Control: {headers.get('Cache-Control')}")
        named = set(re.findall(r'(?:href|src)="/?([^"/]+\.(?:wasm|js|css))"', index.decode()))
        if not named:
            check(False, f"static: {page}'s index names no .wasm/.js/.css asset")
        assets |= named
    assets = sorted(assets)
    for name in assets:
        path = "/" + name
        _, plain_h, plain = fetch(path, None)
        ok = True
        figures = [f"{len(plain)} B"]
        for encoding in ("br", "gzip"):
            status, h, body = fetch(path, encoding)
            cache = h.get("Cache-Control", "")
            same = body == open(os.path.join(STATIC, name + (".br" if encoding == "br" else ".gz")), "rb").read()
            if encoding == "gzip":
                same = same and gzip.decompress(body) == plain
            ok = ok and status == 200 and h.get("Content-Encoding") == encoding and same \
                and "immutable" in cache and "max-age=31536000" in cache \
                and "accept-encoding" in h.get("Vary", "").lower()
            figures.append(f"{encoding} {len(body)} B (Content-Encoding {h.get('Content-Encoding')}, "
                           f"Cache-Control {cache!r}, Vary {h.get('Vary')!r})")
        ok = ok and plain == open(os.path.join(STATIC, name), "rb").read() and not plain_h.get("Content-Encoding")
        check(ok, f"static: {name}: identity " + "; ".join(figures))


def proof_sigkill_under_load(owner):
    """Sends through nginx from several connections; one replica is killed with
    SIGKILL mid-way. The other keeps serving; every send answered 2xx exists
    afterwards; a send whose answer was lost is settled by retrying its
    Idempotency-Key (never sent twice); the error rate around the kill is printed."""
    _, secret = new_token(owner, "load", ["sms"])
    host = urllib.parse.urlsplit(PROXY)
    results = []  # (started, finished, key, status, message id, upstream)
    lock, stop = threading.Lock(), threading.Event()

    def send(conn, key):
        body = json.dumps({"to": "+48500100200", "text": f"stack check {key}"})
        conn.request("POST", "/api/v1/sms", body=body, headers={
            "Authorization": "Bearer " + secret, "Content-Type": "application/json",
            "Idempotency-Key": key})
        r = conn.getresponse()
        data = r.read()
        message = json.loads(data)["id"] if r.status in (200, 201) else None
        return r.status, message, r.headers.get("X-Stack-Upstream")

    def worker(w):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=15)
        i = 0
        while not stop.is_set():
            key = f"load-{w}-{i}"
            i += 1
            started = time.monotonic()
            try:
                status, message, upstream = send(conn, key)
            except (OSError, http.client.HTTPException) as e:
                status, message, upstream = f"client error ({type(e).__name__})", None, None
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=15)
            with lock:
                results.append((started, time.monotonic(), key, status, message, upstream))
        conn.close()

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    victim = 1  # replica 2
    killed_at = time.monotonic()
    os.kill(PIDS[victim], signal.SIGKILL)
    time.sleep(3.0)
    stop.set()
    for t in threads:
        t.join()

    def stats(rows):
        ok = [r for r in rows if r[3] in (200, 201)]
        return len(rows), len(rows) - len(ok)

    before = [r for r in results if r[1] < killed_at]
    window = [r for r in results if r[1] >= killed_at and r[0] < killed_at + 1.0]
    after = [r for r in results if r[0] >= killed_at + 1.0]
    total, errors = stats(results)
    statuses = {}
    for r in results:
        if r[3] not in (200, 201):
            statuses[str(r[3])] = statuses.get(str(r[3]), 0) + 1
    n_w, e_w = stats(window)
    n_a, e_a = stats(after)
    served_after = {replica_name(r[5]) for r in after if r[3] in (200, 201)}
    say(f"load: {total} sends from 8 connections, replica {victim + 1} SIGKILLed after 2 s of it; "
        f"before the kill {stats(before)[0]} ({stats(before)[1]} errors)")
    say(f"load: kill window (answers after the kill to requests started within 1 s of it): {n_w} sends, "
        f"{e_w} errors = {100.0 * e_w / max(n_w, 1):.2f}%; errors by status: {statuses or 'none'}")
    say(f"load: after the window: {n_a} sends, {e_a} errors, answered by replica(s) {sorted(served_after)}")
    # What nginx saw of the dead replica: refused connections it passed on to the
    # other replica, and requests it had handed over (not retried: POST).
    reasons = {}
    for line in open(os.path.join(ENV["PORTCULLIS_STACK_DIR"], "nginx", "error.log")):
        found = re.search(r"(connect\(\) failed \(\d+: [^)]*\)|upstream prematurely closed connection"
                          r"|recv\(\) failed \(\d+: [^)]*\)|writev?\(\) failed \(\d+: [^)]*\)"
                          r"|no live upstreams)", line)
        if found:
            reasons[found.group(1)] = reasons.get(found.group(1), 0) + 1
    say(f"load: nginx's error log about the upstreams: {reasons or 'nothing'}")
    check(n_a > 0 and e_a == 0 and served_after == {str(2 - victim)},
          f"kill: replica {2 - victim} alone served the {n_a} sends after the window, {e_a} errors")

    # Every acknowledged send exists (asked of the survivor through nginx).
    acknowledged = [r for r in results if r[3] in (200, 201)]
    missing = [r[2] for r in acknowledged
               if owner.call("GET", PROXY, f"/api/v1/sms/{r[4]}", token=secret)[0] != 200]
    check(not missing, f"kill: {len(acknowledged)} sends acknowledged, all found afterwards"
          + (f"; MISSING {missing[:5]}" if missing else ""))
    # A failed send's fate is settled by retrying it with its key: 200 = it had
    # been stored (the answer was lost), 201 = it had not (stored now, once).
    settled = {}
    for r in results:
        if r[3] not in (200, 201):
            status, _, _ = owner.call("POST", PROXY, "/api/v1/sms", token=secret,
                                      body={"to": "+48500100200", "text": f"stack check {r[2]}"},
                                      headers={"Idempotency-Key": r[2]})
            settled[status] = settled.get(status, 0) + 1
    check(set(settled) <= {200, 201},
          f"kill: the {errors} failed sends retried with their Idempotency-Key: "
          f"{settled.get(200, 0)} had been stored (200), {settled.get(201, 0)} had not (201)"
          + (f", other answers {settled}" if set(settled) - {200, 201} else ""))
    # One message per key: the account's list holds exactly the keys sent.
    listed, before_id = 0, None
    while True:
        query = "?limit=100" + (f"&before={before_id}" if before_id else "")
        status, page, _ = owner.call("GET", PROXY, "/api/v1/sms" + query, token=secret)
        assert status == 200, (status, page)
        listed += len(page)
        if len(page) < 100:
            break
        before_id = page[-1]["id"]
    check(listed == total, f"kill: {listed} messages stored for {total} distinct keys")


def main():
    email = f"stack-{os.getpid()}@example.com"
    say(f"nginx {PROXY} -> replicas {REPLICAS[0]} (pid {PIDS[0]}), {REPLICAS[1]} (pid {PIDS[1]})")
    owner = sign_up(email)
    proof_client_address(email)
    proof_token_revocation(owner)
    proof_session_end(owner, email)
    proof_static_files()
    proof_sigkill_under_load(owner)
    if failures:
        say(f"{len(failures)} proof(s) FAILED")
        sys.exit(1)
    say("every proof passed")


if __name__ == "__main__":
    main()
