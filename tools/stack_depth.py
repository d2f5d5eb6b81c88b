#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Worst-case stack depth from main() in a GCC -fcallgraph-info=su file (tools/size_probe.sh).

Usage: stack_depth.py FILE.ci LABEL. Prints the deepest call chain with each frame and a last
line "STACK_TOTAL <bytes>". Calls into the C library (memcpy, ...) count 0 bytes; a cycle in
the call graph is reported and not followed a second time, so the total is then a lower bound.
"""
import re
import sys
nodes, edges = {}, {}
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r'node: \{ title: "([^"]*)" label: "([^"]*)"', line)
    if m:
        b = re.search(r'\\n(\d+) bytes \((\w+)', m.group(2))
        nodes[m.group(1)] = (int(b.group(1)) if b else 0, m.group(2).split("\\n")[0])
        continue
    m = re.match(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"', line)
    if m:
        edges.setdefault(m.group(1), []).append(m.group(2))
memo, onstack, cyc = {}, set(), []
def worst(n):
    if n in memo: return memo[n]
    if n in onstack: cyc.append(n); return (0, [])
    onstack.add(n)
    best = (0, [])
    for t in edges.get(n, []):
        c = worst(t)
        if c[0] > best[0]: best = c
    onstack.discard(n)
    own = nodes.get(n, (0, n.split(":")[-1]))[0]
    memo[n] = (own + best[0], [n] + best[1])
    return memo[n]
roots = [n for n in nodes if n == "main" or n.endswith(":main")]
total, path = worst(roots[0])
print("  worst-case stack from main (call graph, %s): %d bytes%s" % (sys.argv[2], total, ", RECURSION seen" if cyc else ""))
for n in path:
    own, label = nodes.get(n, (0, n.split(":")[-1]))
    label = re.sub(r" \[with .*$", "", label)
    print("    %6d  %s" % (own, label[:150]))
if cyc:
    print("    recursion through: " + ", ".join(sorted(set(re.sub(r" \[with .*$", "", nodes.get(n, (0, n))[1])[:100] for n in cyc))))
print("STACK_TOTAL %d" % total)
