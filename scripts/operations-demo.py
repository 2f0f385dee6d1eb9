#!/usr/bin/env python3
"""The operations features shown end to end against the real binary (Python
stdlib only, development settings, a throw-away SQLite file in WORKDIR):
a database dump holds no private key or TOTP secret; `portcullis audit
verify` catches an edited security event; with --stream, a security-log
stream survives a receiver outage and a server restart with no event lost,
every delivery signed. Needs sqlite3 on PATH.

usage: scripts/operations-demo.py target/debug/portcullis /tmp/demo [--stream]
"""
import base64, hashlib, hmac, http.cookiejar, json, os, shutil, struct, subprocess, sys, threading, time
import urllib.request, urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIN, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
STREAM = "--stream" in sys.argv
PORT = 18089
BASE = f"http://127.0.0.1:{PORT}"
EMAIL, PASSWORD = "demo16@example.com", "Violet-Kettle-42"
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
DB = os.path.join(WORK, "portcullis.db")
KEK = os.path.join(WORK, "kek")
open(KEK, "w").write(os.urandom(32).hex())
ENV = dict(os.environ, PORTCULLIS_DATABASE_URL=f"sqlite://{DB}", PORTCULLIS_BIND=f"127.0.0.1:{PORT}",
           PORTCULLIS_DEV_OUTBOX="true", PORTCULLIS_KEK_FILE=KEK, PORTCULLIS_PUBLIC_URL=BASE,
           PORTCULLIS_SECURITY_STREAM_ALLOW_PLAIN_HTTP="true", PORTCULLIS_SECURITY_STREAM_ALLOW_PRIVATE="true",
           PORTCULLIS_LOG="warn")

def say(*a):
    print("==", *a, flush=True)

def start():
    p = subprocess.Popen([BIN], env=ENV, cwd=WORK, stdout=subprocess.PIPE, stderr=open(os.path.join(WORK, "server.log"), "a"))
    for _ in range(300):
        try:
            urllib.request.urlopen(BASE + "/livez", timeout=1)
            return p
        except Exception:
            time.sleep(0.1)
    raise SystemExit("server did not start")

jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
csrf = "1"

def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("X-CSRF-Token", csrf)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with opener.open(req, timeout=10) as r:
            text = r.read()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, (json.loads(text) if text else None)

def totp(secret_b32, at):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)

def cli(*args):
    r = subprocess.run([BIN, *args], env=ENV, cwd=WORK, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr

import atexit
server = start()
atexit.register(lambda: server.terminate())
say("server up on", BASE, "SQLite", DB)
status, _ = call("POST", "/api/v1/auth/signup", {"email": EMAIL, "password": PASSWORD, "phone": "+48 500 100 200", "country": "PL"})
assert status == 202, status
for _ in range(100):
    _, outbox = call("GET", "/api/v1/dev/outbox?recipient=" + EMAIL)
    bodies = [m["body"] for m in outbox["messages"] if "token=" in m["body"]]
    if bodies:
        break
    time.sleep(0.1)
body = bodies[0]
token = body[body.index("token=") + 6:].split()[0].rstrip(".")
status, me = call("POST", "/api/v1/auth/signup/confirm", {"token": token})
assert status == 200, (status, me)
csrf = me["session"]["csrf_token"]
status, setup = call("POST", "/api/v1/two-factor/totp", {"password": PASSWORD})
assert status == 200, (status, setup)
secret = setup["secret"]
status, _ = call("POST", "/api/v1/two-factor/totp/confirm", {"code": totp(secret, time.time())})
assert status == 200
status, created = call("POST", "/api/v1/tokens", {"name": "crm", "scopes": ["profile"]})
assert status == 201, (status, created)
say("signed up, authenticator app on (secret shown once: %s…), API token made" % secret[:6])

# 1. The dump holds no private key and no TOTP secret.
dump = subprocess.run(["sqlite3", DB, ".dump"], capture_output=True, text=True).stdout
raw = open(DB, "rb").read()
key_bytes = base64.b32decode(secret + "=" * (-len(secret) % 8))
needles = {
    "PEM header": "PRIVATE KEY",
    "Ed25519 PKCS#8 prefix (base64)": "MC4CAQAwBQYDK2VwBCIE",
    "TOTP secret (base32)": secret,
    "TOTP secret (hex)": key_bytes.hex(),
    "TOTP secret (base64)": base64.b64encode(key_bytes).decode().rstrip("="),
}
for what, needle in needles.items():
    hits = dump.count(needle) + raw.count(needle.encode())
    say(f"dump grep {what!r}: {hits} hits")
    assert hits == 0
sealed = subprocess.run(["sqlite3", DB, "select kid, substr(private_key,1,24) from signing_keys"], capture_output=True, text=True).stdout
say("signing_keys as stored:", sealed.strip())

# 2. The verify command catches an edited row.
code, out = cli("audit", "verify")
say(f"audit verify (untouched): exit {code}: {out.strip().splitlines()[-1]}")
assert code == 0
subprocess.run(["sqlite3", DB, "DROP TRIGGER IF EXISTS security_events_append_only; "
                "UPDATE security_events SET ip = '203.0.113.66' WHERE kind = 'login_succeeded' OR kind = 'signup';"], check=True)
code, out = cli("audit", "verify")
say(f"audit verify (after an UPDATE of the sign-in's address): exit {code}")
print(out)
assert code == 1

if STREAM:
    # 3. A stream survives a receiver outage with no event lost.
    received, lock = [], threading.Lock()
    state = {"fail": True, "failures": 0}
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state["fail"]:
                state["failures"] += 1
                self.send_response(503); self.end_headers(); return
            with lock:
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200); self.end_headers()
        def log_message(self, *a):
            pass
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_port}/siem"
    _, before = call("GET", "/api/v1/security-log?limit=200")
    before_ids = {e["id"] for e in before["events"]}
    status, stream = call("PUT", "/api/v1/security-log/stream", {"url": url, "password": PASSWORD})
    say("stream set up:", status, json.dumps(stream)[:300])
    stream_secret = stream["secret"]
    for n in range(5):
        status, t = call("POST", "/api/v1/tokens", {"name": f"t{n}", "scopes": ["profile"]})
        assert status == 201
    time.sleep(3)
    say("receiver failing (503) so far:", state["failures"], "attempts; restarting the server mid-outage")
    server.terminate(); server.wait()
    server = start()
    time.sleep(2)
    state["fail"] = False
    say("receiver recovered")
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(1)
        with lock:
            got = [e["id"] for h, b in received for e in json.loads(b).get("events", [])]
        _, health = call("GET", "/api/v1/security-log/stream")
        if health and health["health"]["queue_depth"] == 0 and got:
            break
    with lock:
        got = [e["id"] for h, b in received for e in json.loads(b).get("events", [])]
        def valid(h, b):
            t, v1 = [p.split("=", 1)[1] for p in h["x-portcullis-signature"].split(",")]
            want = hmac.new(stream_secret.encode(), t.encode() + b"." + b, hashlib.sha256).hexdigest()
            return hmac.compare_digest(want, v1)
        sig_ok = all(valid(h, b) for h, b in received)
    # every event recorded after set-up, from the log itself
    _, page = call("GET", "/api/v1/security-log?limit=200")
    logged = [e["id"] for e in page["events"]]
    missing = [i for i in logged if i not in before_ids and i not in got]
    say(f"events recorded since the stream was set up: {len([i for i in logged if i not in before_ids])}; not received: {len(missing)}")
    assert not missing and len(got) == len(set(got)) and sig_ok
    say(f"deliveries: {len(received)}, events received: {len(got)}, distinct: {len(set(got))}, signed: {sig_ok}")
    say("stream health:", json.dumps(health)[:400])
server.terminate()
