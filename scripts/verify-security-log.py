#!/usr/bin/env python3
"""Verify a Portcullis security-log export (the JSON download) offline.

usage: verify-security-log.py EXPORT.json [--allow-gaps] [--head ACCOUNT_ID:SEQ:HASH ...]

Each login's events form a hash chain: an event's `hash` is SHA-256 (hex)
of the compact JSON, keys sorted, of its account_id, actor, created_at,
details, id, ip, kind, prev_hash, seq and user_agent; `prev_hash` is the
hash of the event before it (64 zeros for the first). This recomputes every
hash and checks the links. An export filtered by kind or time has gaps:
pass --allow-gaps to check only the links it holds. Give an anchor kept
outside the database (--head ACCOUNT_ID:SEQ:HASH: the head_seq and
head_hash GET /api/v1/security-log/verify reported, now or earlier) to
check that the chain still reaches it and passes through it unchanged:
nothing was cut from the end, and nothing before it was rewritten and
re-hashed. Exit 0: verified; 1: a broken link; 2: bad input.
"""
import hashlib
import json
import sys

FIELDS = ("account_id", "actor", "created_at", "details", "id", "ip", "kind",
          "prev_hash", "seq", "user_agent")
GENESIS = "0" * 64


def event_hash(event):
    canonical = json.dumps({k: event[k] for k in FIELDS}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def main(argv):
    args, allow_gaps, heads = [], False, {}
    rest = iter(argv)
    for arg in rest:
        if arg == "--allow-gaps":
            allow_gaps = True
        elif arg == "--head":
            account, seq, digest = next(rest, "::").split(":")
            heads[account] = (int(seq), digest)
        else:
            args.append(arg)
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as export:
        events = json.load(export)
    chains, unchained = {}, 0
    for event in events:
        if event.get("seq") is None:
            unchained += 1
        else:
            chains.setdefault(event["account_id"], []).append(event)
    broken = 0
    for account, chain in sorted(chains.items()):
        chain.sort(key=lambda e: e["seq"])
        problem, previous = None, None
        for event in chain:
            if event_hash(event) != event["hash"]:
                problem = f"event {event['id']} (place {event['seq']}) was altered"
            elif event["seq"] == 1 and event["prev_hash"] != GENESIS:
                problem = f"event {event['id']} claims to be first but is not"
            elif previous is not None and event["seq"] == previous["seq"] + 1 \
                    and event["prev_hash"] != previous["hash"]:
                problem = f"event {event['id']} (place {event['seq']}) does not follow the one before it"
            elif previous is not None and event["seq"] != previous["seq"] + 1 and not allow_gaps:
                problem = f"places {previous['seq'] + 1} to {event['seq'] - 1} are missing"
            if problem:
                break
            previous = event
        if not problem and account in heads:
            seq, digest = heads[account]
            anchor = next((e for e in chain if e["seq"] == seq), None)
            if chain[-1]["seq"] < seq:
                problem = f"the chain ends at place {chain[-1]['seq']}, before the anchor's place {seq}"
            elif anchor is None:
                problem = f"place {seq} of the anchor is not in this export"
            elif anchor["hash"] != digest:
                problem = f"the event at place {seq} is not the one anchored: the chain was rewritten"
        if problem:
            broken += 1
            print(f"{account}: BROKEN: {problem}")
        else:
            print(f"{account}: intact, places {chain[0]['seq']} to {chain[-1]['seq']} "
                  f"({len(chain)} event(s)), last hash {chain[-1]['hash']}")
    if unchained:
        print(f"{unchained} event(s) from before the log was chained: not covered")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
