#!/usr/bin/env python3
"""Rewrites the command table in README.md from server/src/main/resources/commands/*.json."""
import json
import os
import re

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
res = os.path.join(root, "server", "src", "main", "resources", "commands")
rows = {}
for name in open(os.path.join(res, "groups.txt")).read().split():
    for c in json.load(open(os.path.join(res, name))):
        group = c["docs"].get("group", "?")
        names = [c["name"].upper()]
        if c.get("subcommands"):
            # A container with arity -1 (COMMAND) also runs on its own.
            names = [c["name"].upper()] if c["arity"] == -1 else []
            names += [c["name"].upper() + " " + s["name"].upper() for s in c["subcommands"]]
        rows.setdefault(group, []).extend(names)

lines = ["| group | commands |", "|---|---|"]
total = 0
for group in sorted(rows):
    cmds = sorted(rows[group])
    total += len(cmds)
    lines.append("| %s | %s |" % (group, ", ".join(cmds)))
lines.append("")
lines.append("%d commands and subcommands in all." % total)

readme = os.path.join(root, "README.md")
text = open(readme).read()
text = re.sub(r"(<!-- commands:begin -->\n).*?(<!-- commands:end -->)",
              lambda m: m.group(1) + "\n".join(lines) + "\n" + m.group(2), text, flags=re.S)
open(readme, "w").write(text)
print("%d commands" % total)
