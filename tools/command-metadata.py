#!/usr/bin/env python3
"""Regenerates the facts in server/src/main/resources/commands/*.json from a live Redis 7.0.

Usage: tools/command-metadata.py --port 6379 GROUPFILE COMMAND [COMMAND ...]

Facts (arity, flags, key specs, ACL categories, tips, argument structure, since, group) are read
from the reference server's COMMAND INFO and COMMAND DOCS. Prose is never copied: the summary,
the complexity text and the history notes are kept from the existing file, or written as
"TODO" for a person to describe in our own words (a unit test rejects any TODO left behind).
"""
import argparse
import json
import os
import socket
import sys


class Resp3:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")
        self.call("HELLO", "3")

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.read()

    def read(self):
        line = self.f.readline()[:-2]
        t, rest = chr(line[0]), line[1:]
        if t in "+":
            return rest.decode()
        if t == "-":
            raise RuntimeError(rest.decode())
        if t == ":":
            return int(rest)
        if t == "$":
            n = int(rest)
            data = self.f.read(n + 2)[:-2]
            return data.decode()
        if t in "*~":
            return [self.read() for _ in range(int(rest))]
        if t == "%":
            m = {}
            for _ in range(int(rest)):
                k = self.read()
                m[k] = self.read()
            return m
        if t == "_":
            return None
        raise RuntimeError("unexpected RESP type " + t)


def info_to_json(info, docs, old):
    name, arity, flags, first, last, step, acl, tips, key_specs, subs = info
    entry = {
        "name": name.split("|")[-1],
        "arity": arity,
        "flags": flags,
        "acl_categories": [a.lstrip("@") for a in acl],
        "first_key": first,
        "last_key": last,
        "step": step,
        "tips": tips,
        "key_specs": key_specs,
    }
    d = dict(docs or {})
    old_docs = (old or {}).get("docs", {})
    sub_docs = d.pop("subcommands", {}) or {}
    d["summary"] = old_docs.get("summary", "TODO")
    if "complexity" in d:
        d["complexity"] = old_docs.get("complexity", "TODO")
    if "history" in d:
        old_hist = {h[0]: h[1] for h in old_docs.get("history", [])}
        d["history"] = [[v, old_hist.get(v, "TODO")] for v, _ in d["history"]]
    ordered = {}
    for k in ["summary", "since", "group", "complexity", "doc_flags", "deprecated_since",
              "replaced_by", "history", "arguments"]:
        if k in d:
            ordered[k] = d[k]
    for k in d:
        if k not in ordered:
            ordered[k] = d[k]
    entry["docs"] = ordered
    old_subs = {s["name"]: s for s in (old or {}).get("subcommands", [])}
    entry["subcommands"] = [
        info_to_json(s, sub_docs.get(s[0]), old_subs.get(s[0].split("|")[-1])) for s in subs
    ]
    if not entry["subcommands"]:
        del entry["subcommands"]
    return entry


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=6379)
    p.add_argument("groupfile")
    p.add_argument("commands", nargs="+")
    a = p.parse_args()
    old = {}
    if os.path.exists(a.groupfile):
        for c in json.load(open(a.groupfile)):
            old[c["name"]] = c
    r = Resp3(a.port)
    out = []
    for name in a.commands:
        info = r.call("COMMAND", "INFO", name)[0]
        if info is None:
            sys.exit("unknown command " + name)
        docs = r.call("COMMAND", "DOCS", name).get(name.lower())
        out.append(info_to_json(info, docs, old.get(name.lower())))
    # Keep commands of this file that were not regenerated this time.
    names = {c["name"] for c in out}
    merged = [c for c in old.values() if c["name"] not in names] + out
    merged.sort(key=lambda c: c["name"])
    with open(a.groupfile, "w") as f:
        json.dump(merged, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
