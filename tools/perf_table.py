#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One performance table: every benchmark beside its peers, and callgrind instruction counts.

    tools/perf_table.py [--build DIR] [--repetitions N] [--write README.md] [--no-callgrind]

Builds the Google Benchmark programs of bench/ (Release, in DIR, default build-bench), then runs
each area in ONE process run with its peers, so that a ratio compares runs on the same machine
under the same load:

  tokenizer  bench/xml_bench      xmppcore, expat, libxml2 over the generated stream, and the
                                  big-token probe (one 2 MiB attribute value in 1 KiB feeds)
  JID        bench/jid_bench      xmppcore, libidn, ICU usprep, a bare split + lowercase
  crypto     bench/crypto_bench   PBKDF2 (4096 iterations) and SHA throughput beside OpenSSL
  stanzas    bench/stanza_bench   readers over the same stream
  session    bench/session_bench  client session throughput (no peer is installed here)

Each benchmark is repeated N times (default 5) and the median is reported. Wall times on a
shared machine are noisy; the load average before and after is printed with the table, and
the instruction counts from callgrind (tools/xml_ir_per_byte.sh, tools/jid_ir_per_jid.sh),
which repeat exactly, are the stable figures.

The table is Markdown. With --write FILE it replaces the block between the lines
`<!-- perf-table:begin -->` and `<!-- perf-table:end -->` in FILE; otherwise it is printed.
Python standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = "<!-- perf-table:begin -->"
END = "<!-- perf-table:end -->"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def build(build_dir):
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        run(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             "-DXMPPCORE_BUILD_BENCH=ON", "-DXMPPCORE_BUILD_TESTS=OFF",
             "-DXMPPCORE_BUILD_EXAMPLES=OFF"])
    targets = ["xml_bench", "jid_bench", "crypto_bench", "stanza_bench", "session_bench",
               "xml_ir_driver"]
    run(["cmake", "--build", build_dir, "--target"] + targets)


def bench(build_dir, program, pattern, repetitions):
    """Medians of one process run: {name: {"real": s, "cpu": s, "bytes_per_second", ...}}."""
    # Some programs print notes on standard output: the JSON goes to a file.
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.json")
        run([os.path.join(build_dir, "bench", program), "--benchmark_filter=" + pattern,
             "--benchmark_out=" + path, "--benchmark_out_format=json",
             "--benchmark_repetitions=%d" % repetitions,
             "--benchmark_report_aggregates_only=true"])
        with open(path) as f:
            data = json.load(f)
    res = {}
    # With one repetition Google Benchmark reports no aggregates: take the runs themselves.
    want = "median" if repetitions > 1 else None
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != want:
            continue
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
        res[b["run_name"]] = {
            "real": b["real_time"] * scale,
            "cpu": b["cpu_time"] * scale,
            "bytes_per_second": b.get("bytes_per_second"),
            "items_per_second": b.get("items_per_second"),
            "label": b.get("label", ""),
        }
    return res


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def ratio(a, b):
    return "%.1fx" % (a / b) if a and b else "n/a"


def mib(bps):
    return "%.0f" % (bps / (1 << 20)) if bps else "n/a"


def ms(s):
    return "%.3f ms" % (s * 1e3) if s is not None else "n/a"


def tokenizer_section(build_dir, reps):
    r = bench(build_dir, "xml_bench", "xml_stream|xml_big_attribute", reps)
    lines = ["| feed | xmppcore MiB/s | expat MiB/s | libxml2 MiB/s | xmppcore / expat | "
             "xmppcore / libxml2 |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for feed in ("whole", "64", "1460", "65536"):
        x = r.get("xml_stream/xmppcore/" + feed, {}).get("bytes_per_second")
        e = r.get("xml_stream/expat/" + feed, {}).get("bytes_per_second")
        l2 = r.get("xml_stream/libxml2/" + feed, {}).get("bytes_per_second")
        name = "whole stream" if feed == "whole" else feed + " B"
        lines.append("| %s | %s | %s | %s | %s | %s |" % (name, mib(x), mib(e), mib(l2),
                                                          ratio(x, e), ratio(x, l2)))
    big = []
    for p in ("xmppcore", "expat", "libxml2"):
        b = r.get("xml_big_attribute/%s/1024" % p)
        if b:
            big.append("%s %s" % (p, ms(b["cpu"])))
    lines.append("")
    lines.append("Big-token probe (one 2 MiB attribute value in 1 KiB feeds, CPU time): " +
                 ", ".join(big) + ".")
    return lines


def xml_ir(build_dir):
    out = run([os.path.join(ROOT, "tools", "xml_ir_per_byte.sh"), build_dir, "4194304", "0",
               "1460"])
    table = {}
    chunk = None
    for line in out.splitlines():
        m = re.match(r"^chunk (\S+):", line)
        if m:
            chunk = m.group(1)
            continue
        m = re.match(r"^(xmppcore|expat|libxml2)\s+\d+\s+\d+\s+([\d.]+)$", line)
        if m and chunk:
            table[(chunk, m.group(1))] = float(m.group(2))
    lines = ["| feed | xmppcore Ir/B | expat Ir/B | libxml2 Ir/B | expat / xmppcore | "
             "libxml2 / xmppcore |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for chunk in ("whole", "1460"):
        x, e, l2 = (table.get((chunk, p)) for p in ("xmppcore", "expat", "libxml2"))
        lines.append("| %s | %s | %s | %s | %s | %s |" % (
            "whole stream" if chunk == "whole" else chunk + " B",
            "%.2f" % x if x else "n/a", "%.2f" % e if e else "n/a",
            "%.2f" % l2 if l2 else "n/a", ratio(e, x), ratio(l2, x)))
    return lines


def jid_section(build_dir, reps, callgrind):
    r = bench(build_dir, "jid_bench", "bm_jid_(xmppcore|split_lowercase|libidn|icu)$", reps)
    ir = {}
    if callgrind:
        for engines, n in (("xmppcore split-lowercase", "200000"), ("libidn icu", "20000")):
            try:
                out = run([os.path.join(ROOT, "tools", "jid_ir_per_jid.sh"), build_dir, n] +
                          engines.split())
            except subprocess.CalledProcessError:
                continue
            for line in out.splitlines():
                m = re.match(r"^(\S+)\s+.*?([\d,.]+)\s*$", line)
                if m and m.group(1) in engines.split():
                    try:
                        ir[m.group(1)] = float(m.group(2).replace(",", ""))
                    except ValueError:
                        pass
    x = r.get("bm_jid_xmppcore", {})
    lines = ["| engine | ns per JID (CPU, median) | xmppcore faster by | Ir per JID |",
             "| --- | ---: | ---: | ---: |"]
    for key, name, irname in (("bm_jid_xmppcore", "xmppcore", "xmppcore"),
                              ("bm_jid_libidn", "libidn", "libidn"),
                              ("bm_jid_icu", "ICU usprep", "icu"),
                              ("bm_jid_split_lowercase", "split + ASCII lowercase",
                               "split-lowercase")):
        v = r.get(key)
        if not v:
            continue
        ips = v.get("items_per_second")
        ns = 1e9 / ips if ips else None
        xi = x.get("items_per_second")
        faster = ratio(xi, ips) if key != "bm_jid_xmppcore" else ""
        lines.append("| %s | %s | %s | %s |" % (name, "%.0f" % ns if ns else "n/a", faster,
                                               "%.0f" % ir[irname] if irname in ir else ""))
    return lines


def crypto_section(build_dir, reps):
    r = bench(build_dir, "crypto_bench", "pbkdf2|/16384", reps)
    lines = ["| PBKDF2, 4096 iterations | xmppcore default (what this CPU gets) | "
             "xmppcore portable C++ | xmppcore BMI2 build (x86-64, no SHA instructions) | "
             "xmppcore rolled (-Os firmware) | OpenSSL | OpenSSL / default | "
             "OpenSSL / portable | OpenSSL / BMI2 |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for h in ("sha256", "sha1", "sha512"):
        x = r.get("bm_pbkdf2<xmppcore::%s>" % h)
        p = r.get("bm_pbkdf2_portable<xmppcore::%s, %s_portable>" % (h, h))
        b = r.get("bm_pbkdf2_portable<xmppcore::%s, xmppcore::detail::%s_bmi2>" % (h, h))
        rolled = r.get("bm_pbkdf2_portable<xmppcore::%s, %s_rolled>" % (h, h))
        o = r.get("bm_openssl_pbkdf2<hash_algorithm::%s>" % h)
        cell = lambda v: ms(v["cpu"]) if v else "n/a"
        rat = lambda v: ratio(o["cpu"], v["cpu"]) if v and o else "n/a"
        lines.append("| HMAC-%s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            h.upper().replace("SHA", "SHA-"), cell(x), cell(p), cell(b), cell(rolled), cell(o),
            rat(x), rat(p), rat(b)))
    x = r.get("bm_hash<xmppcore::sha256>/16384", {}).get("bytes_per_second")
    o = r.get("bm_openssl_hash<hash_algorithm::sha256>/16384", {}).get("bytes_per_second")
    lines.append("")
    lines.append("SHA-256 over 16 KiB: xmppcore %s MiB/s, OpenSSL %s MiB/s." % (mib(x), mib(o)))
    return lines


def throughput_section(build_dir, reps):
    lines = []
    for program, what in (("stanza_bench", "stanza readers"), ("session_bench", "client session")):
        r = bench(build_dir, program, ".", reps)
        for name, v in sorted(r.items()):
            ips = v.get("items_per_second")
            unit = "logins/s" if "login" in name else "stanzas/s"
            lines.append("- %s, `%s`: %s %s%s" % (
                what, name, "{:,.0f}".format(ips) if ips else "n/a", unit,
                ", %s MiB/s" % mib(v["bytes_per_second"]) if v.get("bytes_per_second") else ""))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--write", metavar="FILE")
    ap.add_argument("--no-callgrind", action="store_true")
    args = ap.parse_args()
    build_dir = os.path.abspath(args.build)
    build(build_dir)
    callgrind = not args.no_callgrind and subprocess.run(
        ["sh", "-c", "command -v valgrind"], capture_output=True).returncode == 0

    load_before = loadavg()
    sections = [("XML tokenizer: throughput (one `xml_bench` run, median of %d)" %
                 args.repetitions, tokenizer_section(build_dir, args.repetitions))]
    if callgrind:
        sections.append(("XML tokenizer: instructions per byte (`tools/xml_ir_per_byte.sh`, "
                         "4 MiB stream, generator subtracted)", xml_ir(build_dir)))
    sections.append(("JID preparation (one `jid_bench` run; Ir from `tools/jid_ir_per_jid.sh`)",
                     jid_section(build_dir, args.repetitions, callgrind)))
    sections.append(("PBKDF2 and SHA (one `crypto_bench` run, CPU time, median)",
                     crypto_section(build_dir, args.repetitions)))
    sections.append(("Stanza readers and client session (no peer installed to compare with)",
                     throughput_section(build_dir, args.repetitions)))
    load_after = loadavg()

    try:
        commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        commit = "?"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            if m:
                cpu = m.group(1)
    except OSError:
        pass
    out = [BEGIN, "",
           "Generated by `tools/perf_table.py` on %s UTC at commit %s: %s, %d CPUs, load "
           "average %s before and %s after. Times are wall-clock medians and move with the "
           "load; ratios come from one process run per area; instruction counts repeat "
           "exactly." % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), commit, cpu,
                         os.cpu_count() or 0, load_before, load_after), ""]
    for title, lines in sections:
        out.append("**%s**" % title)
        out.append("")
        out.extend(lines)
        out.append("")
    out.append(END)
    text = "\n".join(out) + "\n"
    if not args.write:
        sys.stdout.write(text)
        return 0
    with open(args.write) as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        print("%s: no %s ... %s block" % (args.write, BEGIN, END), file=sys.stderr)
        return 1
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(args.write, "w") as f:
        f.write(head + text.rstrip("\n") + tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
