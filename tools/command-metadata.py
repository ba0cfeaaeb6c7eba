#!/usr/bin/env python3
"""Regenerates the facts in server/src/main/resources/commands/*.json from a live Redis 7.0.

Usage: tools/command-metadata.py --port 6379 GROUPFILE COMMAND [COMMAND ...]
       tools/command-metadata.py --port 6379 --refresh GROUPFILE
       tools/command-metadata.py --port 6379 --facts-only --all FIXTURE

Facts (arity, flags, key specs, ACL categories, tips, argument structure, since, group,
deprecation) are read from the reference server's COMMAND INFO and COMMAND DOCS in RESP3.
Prose is never copied: the command summary, the complexity text, the history notes and any
argument summary are kept from the existing file, or written as "TODO" for a person to
describe in our own words (a unit test rejects any TODO left behind). --refresh regenerates
every command already in the file. --facts-only leaves the docs out (for test fixtures that
need the key specs of commands we do not serve yet), and --all takes every command the
reference server knows.

Redis lists subcommands in the random order of its internal dictionary; they are written
sorted by name so that regenerating a file gives a stable diff.
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


# COMMAND DOCS fields in the order Redis 7.0 writes them.
DOC_FIELDS = ["summary", "since", "group", "complexity", "doc_flags", "deprecated_since",
              "replaced_by", "history", "arguments"]
ARG_FIELDS = ["name", "type", "key_spec_index", "token", "summary", "since", "deprecated_since",
              "flags", "arguments"]


def ordered(d, fields, what):
    unknown = [k for k in d if k not in fields]
    if unknown:
        sys.exit("unexpected %s fields %s: the Java model must learn them first" % (what, unknown))
    return {k: d[k] for k in fields if k in d}


def args_to_json(args, old_args):
    """Arguments keep Redis's structure; an argument summary is prose, so it is ours or TODO."""
    old_by_name = {a["name"]: a for a in (old_args or [])}
    out = []
    for a in args:
        a = dict(a)
        old = old_by_name.get(a["name"], {})
        if "summary" in a:
            a["summary"] = old.get("summary", "TODO")
        if "arguments" in a:
            a["arguments"] = args_to_json(a["arguments"], old.get("arguments"))
        out.append(ordered(a, ARG_FIELDS, "argument"))
    return out


def history_to_json(history, old_history):
    """Notes are matched to the old file by version and by their rank within that version."""
    old = {}
    for version, note in old_history or []:
        old.setdefault(version, []).append(note)
    seen = {}
    out = []
    for version, _ in history:
        rank = seen.get(version, 0)
        seen[version] = rank + 1
        notes = old.get(version, [])
        out.append([version, notes[rank] if rank < len(notes) else "TODO"])
    return out


def docs_to_json(docs, old_docs):
    d = dict(docs or {})
    d.pop("subcommands", None)
    if "summary" in d:
        d["summary"] = old_docs.get("summary", "TODO")
    if "complexity" in d:
        d["complexity"] = old_docs.get("complexity", "TODO")
    if "history" in d:
        d["history"] = history_to_json(d["history"], old_docs.get("history"))
    if "arguments" in d:
        d["arguments"] = args_to_json(d["arguments"], old_docs.get("arguments"))
    return ordered(d, DOC_FIELDS, "docs")


# Flags Redis keeps to itself: COMMAND INFO never shows them, so they are set by hand in our
# files (DEBUG is "protected") and kept when a command is regenerated.
HIDDEN_FLAGS = ["may_replicate", "sentinel", "only_sentinel", "protected"]


def info_to_json(info, docs, old):
    name, arity, flags, first, last, step, acl, tips, key_specs, subs = info
    old = old or {}
    flags = list(flags) + [f for f in old.get("flags", []) if f in HIDDEN_FLAGS and f not in flags]
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
        "docs": docs_to_json(docs, old.get("docs", {})),
    }
    sub_docs = (docs or {}).get("subcommands", {}) or {}
    old_subs = {s["name"]: s for s in old.get("subcommands", [])}
    subs = sorted(subs, key=lambda s: s[0])
    if subs:
        entry["subcommands"] = [
            info_to_json(s, sub_docs.get(s[0]), old_subs.get(s[0].split("|")[-1])) for s in subs
        ]
    return entry


def strip_docs(entry):
    entry.pop("docs", None)
    for s in entry.get("subcommands", []):
        strip_docs(s)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=6379)
    p.add_argument("--refresh", action="store_true", help="regenerate every command in the file")
    p.add_argument("--all", action="store_true", help="every command the reference server knows")
    p.add_argument("--facts-only", action="store_true", help="leave the docs out")
    p.add_argument("groupfile")
    p.add_argument("commands", nargs="*")
    a = p.parse_args()
    old = {}
    if os.path.exists(a.groupfile):
        for c in json.load(open(a.groupfile)):
            old[c["name"]] = c
    r = Resp3(a.port)
    names = list(a.commands) + (sorted(old) if a.refresh else [])
    if a.all:
        names += sorted(n for n in r.call("COMMAND", "LIST") if "|" not in n)
    if not names:
        p.error("name at least one command, or --refresh, or --all")
    if any("|" in n for n in names):
        p.error("name top-level commands only; their subcommands come with them")
    names = list(dict.fromkeys(n.lower() for n in names))
    out = []
    for name in names:
        info = r.call("COMMAND", "INFO", name)[0]
        if info is None:
            sys.exit("unknown command " + name)
        docs = r.call("COMMAND", "DOCS", name).get(name)
        entry = info_to_json(info, docs, old.get(name))
        if a.facts_only:
            strip_docs(entry)
        out.append(entry)
    # Keep commands of this file that were not regenerated this time.
    done = {c["name"] for c in out}
    merged = [c for c in old.values() if c["name"] not in done] + out
    merged.sort(key=lambda c: c["name"])
    with open(a.groupfile, "w") as f:
        json.dump(merged, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
