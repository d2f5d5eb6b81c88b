#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes include/xmppcore/detail/unicode_tables.hpp: the Unicode 3.2 data of stringprep
(RFC 3454) and of NFKC, from Python's standard library only.

    tools/gen_unicode_tables.py           regenerate the header
    tools/gen_unicode_tables.py --check   exit 1 when the committed header is stale
    tools/gen_unicode_tables.py --sizes   print the size of every table

Sources: the `stringprep` module (tables A.1, B.1, B.2, C.*, D.*) and
`unicodedata.ucd_3_2_0` (combining classes, decompositions, composition). Both are frozen at
Unicode 3.2 except for two known leaks of the running interpreter's own Unicode version, which
are repaired here (and asserted, so a future interpreter cannot change the output silently):

1. `stringprep.map_table_b3` (and `map_table_b2`, built on it) falls back to `str.lower()`,
   i.e. to the *current* case mappings: U+1E9E -> U+00DF, Georgian U+10A0 -> U+2D00, Cherokee
   U+13A0 -> U+AB70, ... RFC 3454 B.2 was built from Unicode 3.2 data, so every mapping whose
   source or result holds a code point unassigned in 3.2 is dropped. The result is asserted
   equal to B.2 recomputed by map_table_b2's recipe from a repaired B.3, so no current mapping
   leaks in through an intermediate step either. (The independent check is the unit test,
   which compares every code point with libidn's copy of the RFC tables.)
2. `ucd_3_2_0.decomposition()` returns the mappings corrected by Corrigendum #4 (Unicode 4.0),
   while `ucd_3_2_0.normalize()` uses the 3.2 values, as IDNA2003/stringprep require. The five
   code points are listed in NORMALIZATION_CORRECTIONS and every full decomposition is
   asserted equal to `ucd_3_2_0.normalize('NFKD', c)`.

The output depends only on these inputs: same text with any Python >= 3.10.
"""
import argparse
import pathlib
import stringprep
import sys
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "include" / "xmppcore" / "detail" / "unicode_tables.hpp"
UCD = unicodedata.ucd_3_2_0
MAX_CP = 0x10FFFF

assert UCD.unidata_version == "3.2.0"

# NormalizationCorrections.txt entries made *after* Unicode 3.2.0 (Corrigendum #4, Unicode
# 4.0.0): code point -> (mapping in 3.2, corrected mapping). The 3.2 value is the one stringprep
# uses; Python's ucd_3_2_0.normalize() uses it too, ucd_3_2_0.decomposition() does not.
NORMALIZATION_CORRECTIONS = {
    0x2F868: (0x2136A, 0x36FC),
    0x2F874: (0x5F33, 0x5F53),
    0x2F91F: (0x43AB, 0x243AB),
    0x2F95F: (0x7AAE, 0x7AEE),
    0x2F9BF: (0x4D57, 0x45D7),
}

# CompositionExclusions-3.2.0.txt, sections (1) script specifics and (2) post composition
# version characters. Singletons and non-starter decompositions (sections 3 and 4) are derived.
# The derived set of primary composites is asserted against ucd_3_2_0.normalize('NFC', ...).
COMPOSITION_EXCLUSIONS = (
    list(range(0x0958, 0x0960)) + [0x09DC, 0x09DD, 0x09DF, 0x0A33, 0x0A36, 0x0A59, 0x0A5A,
    0x0A5B, 0x0A5E, 0x0B5C, 0x0B5D, 0x0F43, 0x0F4D, 0x0F52, 0x0F57, 0x0F5C, 0x0F69, 0x0F76,
    0x0F78, 0x0F93, 0x0F9D, 0x0FA2, 0x0FA7, 0x0FAC, 0x0FB9, 0xFB1D, 0xFB1F] +
    list(range(0xFB2A, 0xFB37)) + list(range(0xFB38, 0xFB3D)) + [0xFB3E, 0xFB40, 0xFB41,
    0xFB43, 0xFB44] + list(range(0xFB46, 0xFB4F)) + [0x2ADC] +
    list(range(0x1D15E, 0x1D165)) + list(range(0x1D1BB, 0x1D1C1)))

# Bit of each stringprep table in the property sets (the enum in the header mirrors it).
PROPERTY_TABLES = [
    ("a1", stringprep.in_table_a1, "A.1 unassigned code points in Unicode 3.2"),
    ("b1", stringprep.in_table_b1, "B.1 commonly mapped to nothing"),
    ("c11", stringprep.in_table_c11, "C.1.1 ASCII space characters"),
    ("c12", stringprep.in_table_c12, "C.1.2 non-ASCII space characters"),
    ("c21", stringprep.in_table_c21, "C.2.1 ASCII control characters"),
    ("c22", stringprep.in_table_c22, "C.2.2 non-ASCII control characters"),
    ("c3", stringprep.in_table_c3, "C.3 private use"),
    ("c4", stringprep.in_table_c4, "C.4 non-character code points"),
    ("c5", stringprep.in_table_c5, "C.5 surrogate codes"),
    ("c6", stringprep.in_table_c6, "C.6 inappropriate for plain text"),
    ("c7", stringprep.in_table_c7, "C.7 inappropriate for canonical representation"),
    ("c8", stringprep.in_table_c8, "C.8 change display properties or deprecated"),
    ("c9", stringprep.in_table_c9, "C.9 tagging characters"),
    ("d1", stringprep.in_table_d1, "D.1 characters with bidirectional property R or AL"),
    ("d2", stringprep.in_table_d2, "D.2 characters with bidirectional property L"),
]

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3


def is_surrogate(cp):
    return 0xD800 <= cp <= 0xDFFF


def assigned(cp):
    return UCD.category(chr(cp)) != "Cn"


def codes(s):
    return [ord(ch) for ch in s]


# ---- stringprep ---------------------------------------------------------------------------

def property_flags():
    """A bit set per code point: bit i set when the code point is in PROPERTY_TABLES[i]."""
    preds = [t[1] for t in PROPERTY_TABLES]
    flags = [0] * (MAX_CP + 1)
    for cp in range(MAX_CP + 1):
        ch = chr(cp)
        m = 0
        for i, pred in enumerate(preds):
            if pred(ch):
                m |= 1 << i
        flags[cp] = m
    return flags


def b3_repaired(ch):
    """stringprep.map_table_b3 without the fallback to the interpreter's current Unicode."""
    r = stringprep.map_table_b3(ch)
    if r != ch and (not assigned(ord(ch)) or not all(assigned(c) for c in codes(r))):
        return ch
    return r


def b2_rederived(ch):
    """RFC 3454 B.2 by its own recipe (fold, NFKC, fold, NFKC) from the repaired B.3; the
    same construction as stringprep.map_table_b2."""
    al = b3_repaired(ch)
    b = UCD.normalize("NFKC", al)
    bl = "".join(b3_repaired(c) for c in b)
    c = UCD.normalize("NFKC", bl)
    return c if b != c else al


def table_b2(assigned_cps):
    """{cp: [code points]} for every code point B.2 maps to something else."""
    table = {}
    dropped = 0
    for cp in assigned_cps:
        ch = chr(cp)
        r = stringprep.map_table_b2(ch)
        if r == ch:
            continue
        if not all(assigned(c) for c in codes(r)):
            dropped += 1
            continue
        table[cp] = codes(r)
    for cp in assigned_cps:
        r = b2_rederived(chr(cp))
        expect = codes(r) if r != chr(cp) else None
        if table.get(cp) != expect:
            sys.exit(f"gen_unicode_tables: B.2 repair disagrees at U+{cp:04X}")
    return table, dropped


# ---- normalization ------------------------------------------------------------------------

def raw_decomposition(cp):
    """(is_compatibility, [code points]) of UnicodeData 3.2's one-level mapping, or None."""
    if cp in NORMALIZATION_CORRECTIONS:
        old, new = NORMALIZATION_CORRECTIONS[cp]
        if UCD.decomposition(chr(cp)) != f"{new:04X}":
            sys.exit(f"gen_unicode_tables: unexpected decomposition of U+{cp:04X}")
        return False, [old]
    d = UCD.decomposition(chr(cp))
    if not d:
        return None
    parts = d.split()
    compat = parts[0].startswith("<")
    if compat:
        parts = parts[1:]
    return compat, [int(p, 16) for p in parts]


def canonical_order(seq):
    """Canonical reordering (Unicode 3.2 D.3): stable sort of each run of non-starters."""
    out = list(seq)
    i = 0
    while i < len(out):
        if UCD.combining(chr(out[i])) == 0:
            i += 1
            continue
        j = i
        while j < len(out) and UCD.combining(chr(out[j])) != 0:
            j += 1
        out[i:j] = sorted(out[i:j], key=lambda c: UCD.combining(chr(c)))
        i = j
    return out


def full_decomposition(cp, memo):
    """Full compatibility decomposition of cp (recursive, canonically ordered), or None."""
    if cp in memo:
        return memo[cp]
    raw = raw_decomposition(cp)
    if raw is None:
        memo[cp] = None
        return None
    out = []
    for c in raw[1]:
        sub = full_decomposition(c, memo)
        out.extend(sub if sub is not None else [c])
    out = canonical_order(out)
    memo[cp] = out
    return out


def normalization_data(assigned_cps):
    ccc = {}
    decomp = {}
    memo = {}
    for cp in assigned_cps:
        k = UCD.combining(chr(cp))
        if k:
            ccc[cp] = k
        if HANGUL_FIRST <= cp <= HANGUL_LAST:
            continue  # algorithmic
        d = full_decomposition(cp, memo)
        nfkd = codes(UCD.normalize("NFKD", chr(cp)))
        if d is None:
            if nfkd != [cp]:
                sys.exit(f"gen_unicode_tables: U+{cp:04X} has no mapping but NFKD changes it")
            continue
        if d != nfkd:
            sys.exit(f"gen_unicode_tables: full decomposition of U+{cp:04X} != NFKD")
        decomp[cp] = d

    excluded = set(COMPOSITION_EXCLUSIONS)
    pairs = {}
    for cp in assigned_cps:
        raw = raw_decomposition(cp)
        if raw is None or raw[0]:
            continue  # no canonical mapping
        seq = raw[1]
        primary = (len(seq) == 2 and cp not in excluded and UCD.combining(chr(cp)) == 0 and
                   UCD.combining(chr(seq[0])) == 0)
        oracle = UCD.normalize("NFC", chr(cp)) == chr(cp)
        if primary != oracle:
            sys.exit(f"gen_unicode_tables: composition exclusion of U+{cp:04X} disagrees")
        if primary:
            if max(seq[0], seq[1], cp) > 0xFFFF:
                sys.exit("gen_unicode_tables: composition pair outside the BMP")
            pairs[(seq[0], seq[1])] = cp
    return ccc, decomp, pairs


# ---- packing ------------------------------------------------------------------------------

def partition(values):
    """[(start, value)] for each maximal range of equal values over 0..MAX_CP."""
    out = []
    prev = None
    for cp in range(MAX_CP + 1):
        v = values(cp)
        if v != prev:
            out.append((cp, v))
            prev = v
    return out


def utf8(seq):
    return "".join(chr(c) for c in seq).encode("utf-8")


OFFSET_MAX = (1 << 13) - 1  # an offset run's delta is a signed 14-bit field


def offset_run_length(keys, i, single, limit, step):
    """How many keys from keys[i] on (stepping by `step` code points, none skipped, one plane)
    map to one code point each at the same distance from their key (single[k]: that distance,
    absent when k maps to more than one code point or to another plane), at most limit."""
    k = keys[i]
    if k not in single:
        return 0
    m = 1
    while (i + m < len(keys) and m < limit and keys[i + m] == k + m * step and
           keys[i + m] >> 16 == k >> 16 and single.get(keys[i + m]) == single[k]):
        m += 1
    return m


def offset_delta(field):
    """The distance an offset run's 14-bit offset field holds (signed), as offset_value()
    reads it."""
    return field - (1 << 14) if field >> 13 else field


def single_deltas(mapping):
    """{key: value - key} for the keys that map to one code point in their own plane within
    OFFSET_MAX of the key: the keys an offset run can hold."""
    out = {}
    for k, v in mapping.items():
        if len(v) == 1 and v[0] >> 16 == k >> 16 and abs(v[0] - k) <= OFFSET_MAX:
            out[k] = v[0] - k
    return out


RANGE_GROUP = 32  # ranges per anchor of a range table


def range_code(parts):
    """(anchors, lengths) of a partition [(start, value)] of U+0000..U+10FFFF: each range's
    length in one byte, or for 256 and more a 0 and three bytes (high first); and for every
    RANGE_GROUP-th range, start << 11 | the offset of its length. Checked by decoding."""
    starts = [s for s, _ in parts] + [MAX_CP + 1]
    anchors, code = [], bytearray()
    for i in range(len(parts)):
        if i % RANGE_GROUP == 0:
            if len(code) >= 1 << 11:
                sys.exit("gen_unicode_tables: range lengths do not fit an anchor")
            anchors.append(starts[i] << 11 | len(code))
        n = starts[i + 1] - starts[i]
        code += bytes([n]) if n < 256 else bytes([0, n >> 16, (n >> 8) & 0xFF, n & 0xFF])
    # What range_index() does, at each range's first and last code point.
    for i in range(len(parts)):
        for cp in (starts[i], starts[i + 1] - 1):
            a = max(j for j in range(len(anchors)) if anchors[j] >> 11 <= cp)
            at, p, k = anchors[a] >> 11, anchors[a] & 0x7FF, a * RANGE_GROUP
            while True:
                n = code[p]
                p += 1
                if n == 0:
                    n = code[p] << 16 | code[p + 1] << 8 | code[p + 2]
                    p += 3
                at += n
                if cp < at:
                    break
                k += 1
            if k != i:
                sys.exit("gen_unicode_tables: range code misreads")
    return anchors, code


def least_byte_runs(keys, enc, single, more=None, kind3_width=None):
    """(runs, blobs) for pack_pool(): the runs over keys (sorted; enc[i] the encoding of key
    i's mapping, single as single_deltas() gives it) of least bytes, 6 a run plus its blob
    (before the pool's sharing). Kinds 0-2: pool runs of that stride; 4 and 5: offset runs of
    step 1 and 2; and what more(i, consider, extend) offers (PackedRuns' kind 3, whose width
    is kind3_width[i]). Ties go to kinds other than 3, then to longer runs."""
    n = len(keys)
    best = [0] * (n + 1)
    choice = [None] * (n + 1)
    for i in reversed(range(n)):
        k, w = keys[i], len(enc[i])
        top = None

        def consider(kind, m, cost):
            nonlocal top
            key = (cost + best[i + m], kind == 3, -m, kind)
            if top is None or key < top[0]:
                top = (key, kind, m)

        def extend(ok, limit=Runs.MAX_COUNT):
            m = 1
            while i + m < n and m < limit and keys[i + m] >> 16 == k >> 16 and ok(m):
                m += 1
            return m

        m0 = extend(lambda m: keys[i + m] == k + m and enc[i + m] == enc[i])
        for m in range(1, m0 + 1):
            consider(0, m, 6 + w)
        m1 = extend(lambda m: keys[i + m] == k + m and len(enc[i + m]) == w)
        for m in range(1, m1 + 1):
            consider(1, m, 6 + w * m)
        m2 = extend(lambda m: keys[i + m] == k + 2 * m and len(enc[i + m]) == w)
        for m in range(2, m2 + 1):
            consider(2, m, 6 + w * m)
        for step in (1, 2):
            mo = offset_run_length(keys, i, single, Runs.MAX_COUNT, step)
            for m in range(1 if step == 1 else 2, mo + 1):
                consider(3 + step, m, 6)
        if more is not None:
            more(i, consider, extend)
        best[i], choice[i] = top[0][0], (top[1], top[2])
    runs, blobs = [], []
    i = 0
    while i < n:
        kind, m = choice[i]
        k = keys[i]
        if kind >= 4:
            blobs.append(None)
            runs.append([k, m, single[k] & 0x3FFF, 0, kind - 3])
        elif kind == 0:
            blobs.append(enc[i])
            runs.append([k, m, 0, len(enc[i]), 0])
        else:
            blobs.append(b"".join(enc[i:i + m]))
            runs.append([k, m, 0, kind3_width[i] if kind == 3 else len(enc[i]), kind])
        i += m
    return runs, blobs


class Runs:
    """A mapping packed as runs: run i covers keys start, start + stride, ... (count keys, no
    other key inside its span, all in one plane); each key maps to `width` bytes of UTF-8 in
    the pool at offset + index * width (stride 0 = every key maps to the same bytes), or, in an
    offset run (width 0, stride 1 or 2), to the one code point key + delta, the offset field
    holding delta as a signed 14-bit number. Stored as three 16-bit words (start & 0xFFFF;
    offset | stride << 14; count - 1 | width << 10) with planes[p] the first run of plane p.
    The runs are chosen to minimize run bytes + blob bytes (before the pool's sharing)."""

    MAX_COUNT = 1 << 10

    def __init__(self, mapping):
        keys = sorted(mapping)
        enc = [utf8(mapping[k]) for k in keys]
        runs, blobs = least_byte_runs(keys, enc, single_deltas(mapping))
        self.pool, self.runs, self.planes = pack_pool(runs, blobs)
        # Every key reads back.
        for k, m, off, wd, s in self.runs:
            for j in range(m):
                key = k + j * (s or 1)
                if wd == 0:
                    got = [key + offset_delta(off)]
                else:
                    at = off + (j * wd if s else 0)
                    got = codes(self.pool[at:at + wd].decode("utf-8"))
                if got != mapping[key]:
                    sys.exit(f"gen_unicode_tables: run misreads U+{key:04X}")


def pack_pool(runs, blobs):
    """(pool, runs, planes): the blobs of the runs [start, count, _, width, stride] in one pool,
    longest first, each stored once, found inside what is already there or overlapping its
    end; the runs with their offsets; the first run of each plane."""
    pool = bytearray()
    offsets = {}
    for blob in sorted(set(b for b in blobs if b is not None), key=lambda b: (-len(b), b)):
        off = pool.find(blob)
        if off < 0:
            k = min(len(blob) - 1, len(pool))
            while k > 0 and not pool.endswith(blob[:k]):
                k -= 1
            off = len(pool) - k
            pool += blob[k:]
        offsets[blob] = off
    for r, blob in zip(runs, blobs):
        if blob is not None:  # else an offset run, its delta already in place
            r[2] = offsets[blob]
        if r[2] >= 1 << 14 or r[3] >= 1 << 6 or r[4] >= 1 << 2 or r[1] > Runs.MAX_COUNT:
            sys.exit("gen_unicode_tables: run does not fit its packing")
    runs = [tuple(r) for r in runs]
    # Lookups find the last run starting at or before a code point; check they are sound.
    for (k, n, _, _, s), nxt in zip(runs, runs[1:] + [(MAX_CP + 1,)]):
        end = k + (n - 1) * (s if s in (1, 2) else 1)
        if end >= nxt[0] or end >> 16 != k >> 16:
            sys.exit("gen_unicode_tables: overlapping runs")
    last_plane = runs[-1][0] >> 16
    planes = [sum(1 for r in runs if r[0] >> 16 < p) for p in range(last_plane + 2)]
    if planes[1] == 0:
        sys.exit("gen_unicode_tables: no run in the BMP")
    return pool, runs, planes


class PackedCode:
    """The code of the one-level decomposition pool: code points of 1 to 3 bytes, the most
    frequent in one byte (UTF-8 spends 2 or 3 on all but ASCII). A byte 0x20..0x7E is that
    ASCII code point; any other byte b is a lead, of index i = (b - 0x7F) & 0xFF (0x7F, 0x80..
    0xFF, then 0x00..0x1F: 161 leads; no mapping holds an ASCII control). i < first_block:
    the code point leads[i] (the alphabet); i < first_wide: leads[i] << 8 | the next byte (a
    block of 256 code points); else (i - first_wide) << 16 | the next two bytes. The alphabet
    size is the one that makes the encoded mappings plus the table smallest."""

    LEADS = 161

    def __init__(self, mapping):
        seqs = list(mapping.values())
        if any(c < 0x20 or c == 0x7F for v in seqs for c in v):
            sys.exit("gen_unicode_tables: an ASCII control in a mapping")
        freq = {}
        for v in seqs:
            for c in v:
                if c >= 0x80:
                    freq[c] = freq.get(c, 0) + 1
        by_freq = sorted(freq, key=lambda c: (-freq[c], c))
        planes = (max(freq) >> 16) + 1
        best = None
        for n in range(0, self.LEADS - planes + 1, 4):
            alphabet = by_freq[:n]
            blocks = {}
            for c in by_freq[n:]:
                blocks[c >> 8] = blocks.get(c >> 8, 0) + freq[c]
            top = sorted(blocks, key=lambda k: (-blocks[k], k))[:self.LEADS - planes - n]
            wide = sum(blocks.values()) - sum(blocks[k] for k in top)
            size = n + 2 * (sum(blocks.values()) - wide) + 3 * wide + 2 * (n + len(top))
            if best is None or size < best[0]:
                best = (size, alphabet, sorted(top))
        _, self.alphabet, self.blocks = best
        self.leads = self.alphabet + self.blocks
        self.first_block = len(self.alphabet)
        self.first_wide = len(self.leads)
        if self.first_wide + planes > self.LEADS:
            sys.exit("gen_unicode_tables: packed code out of lead bytes")
        self.index = {c: i for i, c in enumerate(self.alphabet)}
        self.block_index = {k: self.first_block + i for i, k in enumerate(self.blocks)}

    @staticmethod
    def lead_byte(i):
        return (i + 0x7F) & 0xFF

    def encode(self, seq):
        out = bytearray()
        for c in seq:
            if 0x20 <= c < 0x7F:
                out.append(c)
            elif c in self.index:
                out.append(self.lead_byte(self.index[c]))
            elif c >> 8 in self.block_index:
                out += bytes([self.lead_byte(self.block_index[c >> 8]), c & 0xFF])
            else:
                out += bytes([self.lead_byte(self.first_wide + (c >> 16)), (c >> 8) & 0xFF,
                              c & 0xFF])
        if self.decode(bytes(out)) != list(seq):
            sys.exit("gen_unicode_tables: packed code does not round-trip")
        return bytes(out)

    def length(self, b):
        if 0x20 <= b < 0x7F:
            return 1
        i = (b - 0x7F) & 0xFF
        return 1 if i < self.first_block else 2 if i < self.first_wide else 3

    def decode(self, data):
        out, j = [], 0
        while j < len(data):
            b = data[j]
            i = (b - 0x7F) & 0xFF
            if 0x20 <= b < 0x7F:
                out.append(b)
            elif i < self.first_block:
                out.append(self.leads[i])
            elif i < self.first_wide:
                out.append(self.leads[i] << 8 | data[j + 1])
            else:
                out.append((i - self.first_wide) << 16 | data[j + 1] << 8 | data[j + 2])
            j += self.length(b)
        return out


class PackedRuns:
    """Like Runs, in the PackedCode, with one more kind of run, stride 3: consecutive keys
    mapping to `width` code points each (of any byte lengths), back to back in the pool, at
    most COUNT_RUN_MAX keys (a lookup skips index * width code points), COUNT_RUN_RANDOM_MAX
    when one is in random_access (the composites, looked up at every step of
    compose_by_decomposition()'s search). The runs are chosen to minimize run bytes + blob
    bytes (before the pool's sharing), preferring fixed widths."""

    COUNT_RUN_MAX = 48
    COUNT_RUN_RANDOM_MAX = 8

    def __init__(self, mapping, code, random_access=()):
        keys = sorted(mapping)
        enc = [code.encode(mapping[k]) for k in keys]
        ncp = [len(mapping[k]) for k in keys]

        def count_runs(i, consider, extend):
            # Kind 3: consecutive keys of ncp code points each, back to back.
            m3 = extend(lambda m: keys[i + m] == keys[i] + m and ncp[i + m] == ncp[i],
                        self.COUNT_RUN_MAX)
            if any(x in random_access for x in keys[i:i + m3]):
                m3 = min(m3, self.COUNT_RUN_RANDOM_MAX)
            size = 0
            for m in range(1, m3 + 1):
                size += len(enc[i + m - 1])
                consider(3, m, 6 + size)

        runs, blobs = least_byte_runs(keys, enc, single_deltas(mapping), count_runs, ncp)
        self.pool, self.runs, _ = pack_pool(runs, blobs)  # starts: a partition, no planes
        # Every key reads back.
        for r in self.runs:
            k, m, off, wd, s = r
            p = off
            for j in range(m):
                key = k + j * (s if s in (1, 2) else 1)
                if wd == 0:
                    got = [key + offset_delta(off)]
                elif s == 0:
                    got = code.decode(self.pool[off:off + wd])
                elif s in (1, 2):
                    got = code.decode(self.pool[off + j * wd:off + (j + 1) * wd])
                else:
                    start = p
                    for _ in range(wd):
                        p += code.length(self.pool[p])
                    got = code.decode(self.pool[start:p])
                if got != mapping[key]:
                    sys.exit(f"gen_unicode_tables: packed run misreads U+{key:04X}")


# ---- the BMP two-stage table ----------------------------------------------------------------

BMP_SHIFT = 5
BMP_BLOCK = 1 << BMP_SHIFT
# Flags of bmp_infos entries, above the property set (bits 0-15) and the class (16-23).
INFO_B2 = 1 << 24         # B.2 maps the code point
INFO_DECOMPOSES = 1 << 25  # it has a full compatibility decomposition (Hangul excluded)
INFO_SECOND = 1 << 26      # it may compose with what precedes it (pair second, Hangul V/T)
INFO_INERT = 1 << 27       # none of these and class 0: NFKC leaves it, and what precedes it,
                           # as they are


def bmp_lookup(flags, set_index, sets, ccc, b2, decomp, seconds):
    """(index, blocks, infos) of the two-stage table over U+0000..U+FFFF."""
    second_set = set(seconds) | set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    infos, info_index, values = [], {}, []
    for cp in range(0x10000):
        v = sets[set_index[flags[cp]]] | (ccc.get(cp, 0) << 16)
        if cp in b2:
            v |= INFO_B2
        if cp in decomp:
            v |= INFO_DECOMPOSES
        if cp in second_set:
            v |= INFO_SECOND
        if not (v & (INFO_DECOMPOSES | INFO_SECOND)) and ccc.get(cp, 0) == 0:
            v |= INFO_INERT
        if v not in info_index:
            info_index[v] = len(infos)
            infos.append(v)
        values.append(info_index[v])
    if len(infos) > 256:
        sys.exit("gen_unicode_tables: too many distinct BMP entries")
    index, blocks, block_index = [], [], {}
    for start in range(0, 0x10000, BMP_BLOCK):
        blk = tuple(values[start:start + BMP_BLOCK])
        if blk not in block_index:
            block_index[blk] = len(block_index)
            blocks.extend(blk)
        index.append(block_index[blk])
    if len(block_index) > 256:
        sys.exit("gen_unicode_tables: too many distinct BMP blocks")
    for cp in range(0x10000):  # the table reproduces the values
        if infos[blocks[index[cp >> BMP_SHIFT] * BMP_BLOCK + (cp & (BMP_BLOCK - 1))]] != \
                infos[values[cp]]:
            sys.exit("gen_unicode_tables: BMP table mismatch")
    return index, blocks, infos


# ---- emission -----------------------------------------------------------------------------

def hex_rows(items, per_line, indent="    "):
    lines = []
    for i in range(0, len(items), per_line):
        lines.append(indent + ", ".join(items[i:i + per_line]) + ",")
    return lines


def string_literal_rows(data, indent="    "):
    """The bytes as adjacent string literals of at most 100 columns; octal escapes only."""
    lines = []
    cur = ""
    for b in data:
        if 0x20 <= b < 0x7F and chr(b) not in '"\\?':
            piece = chr(b)
        else:
            piece = f"\\{b:03o}"
        if len(indent) + 2 + len(cur) + len(piece) > 98:
            lines.append(f'{indent}"{cur}"')
            cur = ""
        cur += piece
    if cur or not lines:
        lines.append(f'{indent}"{cur}"')
    return lines


def pairs_second_of(pairs, composite):
    return next(b for (_, b), c in pairs.items() if c == composite)


def generate():
    assigned_cps = [cp for cp in range(MAX_CP + 1) if not is_surrogate(cp) and assigned(cp)]

    flags = property_flags()
    prop_parts = partition(lambda cp: flags[cp])
    sets = []
    set_index = {}
    for _, v in prop_parts:
        if v not in set_index:
            set_index[v] = len(sets)
            sets.append(v)
    if len(sets) > 1 << 11:
        sys.exit("gen_unicode_tables: too many property sets")

    b2, b2_dropped = table_b2(assigned_cps)
    ccc, decomp, pairs = normalization_data(assigned_cps)
    ccc_parts = partition(lambda cp: ccc.get(cp, 0))
    b2_runs = Runs(b2)
    dec_runs = Runs(decomp)
    # The same decompositions one level deep (UnicodeData's mappings), which the compact
    # lookups expand at run time; and how deep that expansion goes.
    one_level = {cp: raw_decomposition(cp)[1] for cp in decomp}
    dec1_code = PackedCode(one_level)
    dec1_runs = PackedRuns(one_level, dec1_code, set(pairs.values()))

    def depth(cp):
        return 1 + max(depth(c) for c in one_level[cp] if c in one_level) if any(
            c in one_level for c in one_level[cp]) else 1
    max_depth = max(depth(cp) for cp in one_level)

    seconds = sorted({b for _, b in pairs})
    groups = []
    flat = []
    for b in seconds:
        groups.append(len(flat))
        firsts = sorted(a for a, bb in pairs if bb == b)
        flat.extend((a, pairs[(a, b)]) for a in firsts)
    groups.append(len(flat))
    # The composites alone suffice when the one-level decompositions are at hand: the first
    # of composite c's pair is the first code point of its canonical mapping.
    for a, c in flat:
        if one_level[c] != [a, pairs_second_of(pairs, c)]:
            sys.exit(f"gen_unicode_tables: U+{c:04X} is not its pair's composite")

    # The composites as a low byte and a 4-bit index into the few 256-code-point pages they
    # lie in (compose_by_decomposition()).
    composite_pages = sorted({c >> 8 for _, c in flat})
    if len(composite_pages) > 16 or composite_pages[-1] > 0xFF:
        sys.exit("gen_unicode_tables: the composites' pages do not fit their code")
    composite_nibbles = [composite_pages.index(c >> 8) for _, c in flat]

    bmp_index, bmp_blocks, bmp_infos = bmp_lookup(flags, set_index, sets, ccc, b2, decomp,
                                                  seconds)

    max_dec = max(len(v) for v in decomp.values())
    max_dec_cp = min(k for k, v in decomp.items() if len(v) == max_dec)
    max_dec_bytes = max(len(utf8(v)) for v in decomp.values())
    max_b2 = max(len(v) for v in b2.values())

    sizes = {
        "property_ranges": (len(prop_parts) * max(1, (len(sets) - 1).bit_length()) + 7) // 8 + 1
        + sum(
            4 * len(a) + len(c) for a, c in [range_code(prop_parts)]),
        "property_sets": 2 * len(sets),
        "ccc_ranges": len(ccc_parts) + sum(
            4 * len(a) + len(c) for a, c in [range_code(ccc_parts)]),
        "b2_runs": 6 * len(b2_runs.runs),  # starts and runs
        "b2_planes": 2 * len(b2_runs.planes),
        "b2_pool": len(b2_runs.pool) + 1,
        "decomposition_runs": 6 * len(dec_runs.runs),
        "decomposition_planes": 2 * len(dec_runs.planes),
        "decomposition_pool": len(dec_runs.pool) + 1,
        "decomposition1_runs": 4 * len(dec1_runs.runs) + sum(
            4 * len(a) + len(c)
            for a, c in [range_code([(r[0], None) for r in dec1_runs.runs])]),
        "decomposition1_pool": len(dec1_runs.pool) + 1,
        "decomposition1_leads": 2 * len(dec1_code.leads),
        "composition_seconds": 2 * len(seconds),
        "composition_groups": 2 * len(groups),
        "composition_pairs": 4 * len(flat),
        "composition_composites": len(flat) + (len(flat) + 1) // 2 + len(composite_pages),
        "bmp_index": len(bmp_index),
        "bmp_blocks": len(bmp_blocks),
        "bmp_infos": 4 * len(bmp_infos),
    }
    total = sum(sizes.values())
    stats = {
        "b2_entries": len(b2), "b2_dropped": b2_dropped, "decompositions": len(decomp),
        "pairs": len(pairs), "ccc_nonzero": len(ccc),
    }

    L = []
    w = L.append

    def array(ctype, name, items, per_line):
        w(f"inline constexpr {ctype} {name}[] = {{")
        L.extend(hex_rows(items, per_line))
        w("};")
    w("// SPDX-License-Identifier: MIT")
    w("// GENERATED by tools/gen_unicode_tables.py from Python's stringprep module and")
    w("// unicodedata.ucd_3_2_0; do not edit by hand.")
    w("#ifndef XMPPCORE_DETAIL_UNICODE_TABLES_HPP")
    w("#define XMPPCORE_DETAIL_UNICODE_TABLES_HPP")
    w("")
    w("/// \\file")
    w("/// Unicode 3.2 data for stringprep (RFC 3454) and its profiles nodeprep, resourceprep")
    w("/// (RFC 6122 appendices A, B), nameprep (RFC 3491) and SASLprep (RFC 4013): tables A.1,")
    w("/// B.1, B.2, C.1.1-C.9, D.1, D.2, and the NFKC data (combining classes, full")
    w("/// compatibility decompositions, canonical composition pairs; Hangul is algorithmic).")
    w("///")
    w("/// Not in any table: nodeprep also prohibits the eight ASCII characters \" & ' / : < > @")
    w("/// (RFC 6122 A.5); the JID layer checks them.")
    w("///")
    w("/// Sizes of the tables in bytes (each is an inline constexpr array: a program that does")
    w("/// not use a lookup does not keep its table):")
    for name, size in sizes.items():
        w(f"///   {name + ':':<22}{size:>6}")
    w(f"///   {'total:':<22}{total:>6}")
    w("/// Every lookup is a binary search, constexpr, noexcept, and never allocates, except")
    w("/// bmp_info(), a two-stage table for the Basic Multilingual Plane that the fast paths")
    w("/// use. Lookups take Unicode scalar values; anything above U+10FFFF has no property and")
    w("/// no mapping.")
    w("")
    w("#include <xmppcore/config.hpp>")
    w("#include <xmppcore/detail/utf8.hpp>")
    w("")
    w("#include <cstddef>")
    w("#include <cstdint>")
    w("")
    w("#if !XMPPCORE_ASCII_ONLY")
    w("")
    w("XMPPCORE_BEGIN_NAMESPACE")
    w("namespace detail {")
    w("namespace unicode {")
    w("")
    w("/// Longest full compatibility decomposition, in code points "
      f"(U+{max_dec_cp:04X}).")
    w(f"inline constexpr std::size_t max_decomposition_length = {max_dec};")
    w("/// Nesting depth of the one-level decompositions (decomposition_one_level() applied to")
    w("/// its own results this many times, at most, reaches the full decomposition).")
    w(f"inline constexpr std::size_t max_decomposition_depth = {max_depth};")
    w("/// Longest full compatibility decomposition, in UTF-8 bytes.")
    w(f"inline constexpr std::size_t max_decomposition_utf8 = {max_dec_bytes};")
    w("/// Longest B.2 mapping, in code points.")
    w(f"inline constexpr std::size_t max_b2_length = {max_b2};")
    w("/// Smallest code point with a decomposition (lookups below it are skipped).")
    w(f"inline constexpr char32_t first_decomposable = 0x{min(decomp):04X};")
    w("/// Smallest code point with a non-zero combining class.")
    w(f"inline constexpr char32_t first_combining = 0x{min(ccc):04X};")
    w("/// Smallest code point that is the second of a canonical composition pair.")
    w(f"inline constexpr char32_t first_composable_second = 0x{seconds[0]:04X};")
    w("")
    w("/// The stringprep tables, as bits of the set properties() returns.")
    w("enum class table : std::uint16_t {")
    decls = [f"{name} = 1u << {i}," for i, (name, _, _) in enumerate(PROPERTY_TABLES)]
    width = max(len(d) for d in decls) + 1
    for decl, (_, _, desc) in zip(decls, PROPERTY_TABLES):
        w(f"    {decl:<{width}}///< {desc}")
    w("};")
    w("")
    w("namespace tables {")
    w("")
    w("// Partitions of U+0000..U+10FFFF into ranges of equal values. Range i holds")
    w("// <name>_values[i]; <name>_lengths holds the ranges' lengths in order, each in one byte,")
    w("// or for 256 and more a 0 and three bytes (high first); <name>_anchors[j] = the first")
    w("// code point of range j * range_group << 11 | the offset of its length. property_values")
    w("// index property_sets (bits of `table`), packed property_value_bits each (packed_bits());")
    w("// ccc_values are canonical combining classes.")
    w(f"inline constexpr std::size_t range_group = {RANGE_GROUP};")
    for name, parts, value in (("property", prop_parts, lambda v: set_index[v]),
                               ("ccc", ccc_parts, lambda v: v)):
        values = [value(v) for _, v in parts]
        if max(values) >= 1 << 8:
            sys.exit("gen_unicode_tables: a range value does not fit a byte")
        anchors, lengths = range_code(parts)
        w("// clang-format off")
        array("std::uint32_t", f"{name}_anchors", [f"0x{a:08X}" for a in anchors], 8)
        array("std::uint8_t", f"{name}_lengths", [f"{v}" for v in lengths], 16)
        if name == "property":
            bits = max(1, (len(sets) - 1).bit_length())
            acc = 0
            for i, v in enumerate(values):
                acc |= v << (i * bits)
            packed = acc.to_bytes((len(values) * bits + 7) // 8 + 1, "little")  # + a pad byte
            w(f"inline constexpr unsigned property_value_bits = {bits};")
            array("std::uint8_t", "property_values", [f"0x{v:02X}" for v in packed], 16)
        else:
            array("std::uint8_t", f"{name}_values", [f"{v}" for v in values], 16)
        if name == "property":
            array("std::uint16_t", "property_sets", [f"0x{v:04X}" for v in sets], 10)
        w("// clang-format on")
        w("")
    w("// A mapping packed as runs, each inside one plane: runs planes[p] .. planes[p + 1] are")
    w("// those of plane p (none beyond the last entry). starts[i] = the low 16 bits of run i's")
    w("// first key; runs[i].body = offset | stride << 14, runs[i].shape = (count - 1) | width <<")
    w("// 10. Run keys: start + i * stride, i < count (stride 0: start + i, all mapped to the same")
    w("// bytes); key i maps to `width` bytes of UTF-8 at pool[offset + i * width] (offset alone")
    w("// for stride 0), or, when width is 0 (an offset run, stride 1 or 2), to the one code point")
    w("// key + offset, offset read as a signed 14-bit number (offset_value()). No other key lies")
    w("// inside a run's span.")
    w("struct run {")
    w("    std::uint16_t body;")
    w("    std::uint16_t shape;")
    w("};")
    w("")
    for name, runs in (("b2", b2_runs), ("decomposition", dec_runs),
                       ("decomposition1", dec1_runs)):
        if name == "decomposition1":
            w("// The one-level decompositions: runs as above, except that the pool holds the"
              " packed")
            w("// code of packed_view (not UTF-8) and that stride 3 is a run of consecutive keys"
              " each")
            w("// mapped to `width` code points (not bytes) of any lengths, stored back to back;"
              " and")
            w("// the starts are a partition from the first key on, anchors and lengths as for the")
            w("// ranges above (no plane index), each run spanning to the next one's first key.")
            w("// clang-format off")
            w(f"inline constexpr unsigned packed_first_block = {dec1_code.first_block};")
            w(f"inline constexpr unsigned packed_first_wide = {dec1_code.first_wide};")
            array("std::uint16_t", "decomposition1_leads",
                  [f"0x{c:04X}" for c in dec1_code.leads], 10)
            w("// clang-format on")
        w("// clang-format off")
        if name == "b2":
            w("// B.2's run starts both ways: b2_starts and b2_planes for the fast lookups (whose")
            w("// page index reads them), b2_anchors and b2_lengths, a partition as described for")
            w("// the one-level decompositions below, for the compact ones.")
        if name in ("b2", "decomposition1"):
            # The runs' starts as a partition from the first key on (see the ranges above):
            # run i spans from its first key to the next run's.
            anchors, lengths = range_code([(k, None) for k, _, _, _, _ in runs.runs])
            array("std::uint32_t", f"{name}_anchors", [f"0x{a:08X}" for a in anchors], 8)
            array("std::uint8_t", f"{name}_lengths", [f"{v}" for v in lengths], 16)
        if name != "decomposition1":  # b2 both ways: the fast lookups' page index reads starts
            array("std::uint16_t", f"{name}_starts",
                  [f"0x{r[0] & 0xFFFF:04X}" for r in runs.runs], 10)
        items = [f"{{0x{off | (s << 14):04X}, 0x{(n - 1) | (wd << 10):04X}}}"
                 for k, n, off, wd, s in runs.runs]
        array("run", f"{name}_runs", items, 6)
        if name != "decomposition1":
            array("std::uint16_t", f"{name}_planes", [f"{x}" for x in runs.planes], 12)
        w(f"inline constexpr char {name}_pool[] =")
        L.extend(string_literal_rows(runs.pool))
        L[-1] += ";"
        w("// clang-format on")
        w("")
    w("// Canonical composition (primary composites of Unicode 3.2; all in the BMP): the pairs")
    w("// with second code point composition_seconds[i] are composition_pairs[groups[i] ..")
    w("// groups[i + 1]), each first << 16 | composite, sorted by first.")
    w("// clang-format off")
    array("std::uint16_t", "composition_seconds", [f"0x{b:04X}" for b in seconds], 10)
    array("std::uint16_t", "composition_groups", [f"{g}" for g in groups], 14)
    array("std::uint32_t", "composition_pairs", [f"0x{(a << 16) | c:08X}" for a, c in flat], 8)
    w("// The composites of composition_pairs without the firsts (for compose_by_decomposition()):")
    w("// composite j is composition_pages[k] << 8 | composition_low[j], k the 4 bits of")
    w("// composition_page_of[j / 2] at bit 4 * (j % 2).")
    array("std::uint8_t", "composition_pages", [f"0x{p:02X}" for p in composite_pages], 16)
    array("std::uint8_t", "composition_low", [f"0x{c & 0xFF:02X}" for _, c in flat], 16)
    packed = [composite_nibbles[j] | (composite_nibbles[j + 1] << 4 if j + 1 < len(flat) else 0)
              for j in range(0, len(flat), 2)]
    array("std::uint8_t", "composition_page_of", [f"0x{v:02X}" for v in packed], 16)
    w("// clang-format on")
    w("")
    w(f"// The same data for U+0000..U+FFFF in a two-stage table: block bmp_index[cp >> {BMP_SHIFT}] of")
    w(f"// {BMP_BLOCK} entries in bmp_blocks holds, at cp & {BMP_BLOCK - 1}, an index into bmp_infos, whose")
    w("// entries are property set | combining class << 16 | info_* flags (see bmp_info()).")
    w("// clang-format off")
    array("std::uint8_t", "bmp_index", [f"{v}" for v in bmp_index], 16)
    array("std::uint8_t", "bmp_blocks", [f"{v}" for v in bmp_blocks], 16)
    array("std::uint32_t", "bmp_infos", [f"0x{v:08X}" for v in bmp_infos], 8)
    w("// clang-format on")
    w("")
    L.extend(API.strip("\n").split("\n"))
    w("")
    w("} // namespace unicode")
    w("} // namespace detail")
    w("XMPPCORE_END_NAMESPACE")
    w("")
    w("#endif // !XMPPCORE_ASCII_ONLY")
    w("")
    w("#endif // XMPPCORE_DETAIL_UNICODE_TABLES_HPP")
    text = "\n".join(L) + "\n"
    return text, sizes, total, stats


# The lookup functions, copied verbatim into the header after the tables.
API = r"""
/// Value i of an array of `bits`-bit values (bits <= 8) packed little-endian, with a pad byte.
constexpr unsigned packed_bits(const std::uint8_t* p, std::size_t i, unsigned bits) noexcept {
    const std::size_t at = i * bits;
    const unsigned two = p[at / 8] | static_cast<unsigned>(p[at / 8 + 1]) << 8;
    return (two >> (at % 8)) & ((1u << bits) - 1);
}

/// A range of a partition: its index and first code point.
struct range_at {
    std::size_t index;
    std::uint32_t start;
};

/// The range of a partition (see above; `count` anchors) that holds cp (<= U+10FFFF, and not
/// before the first range): a binary search over the anchors, then at most range_group
/// lengths read.
constexpr range_at find_range(const std::uint32_t* anchors, std::size_t count,
                              const std::uint8_t* lengths, char32_t cp) noexcept {
    const std::uint32_t c = cp;
    std::size_t lo = 0, hi = count;
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (anchors[mid] >> 11 <= c)
            lo = mid;
        else
            hi = mid;
    }
    std::uint32_t start = anchors[lo] >> 11;
    const std::uint8_t* p = lengths + (anchors[lo] & 0x7FFu);
    for (std::size_t i = lo * range_group;; ++i) {
        std::uint32_t n = *p++;
        if (n == 0) {
            n = static_cast<std::uint32_t>(p[0]) << 16 | static_cast<std::uint32_t>(p[1]) << 8 |
                p[2];
            p += 3;
        }
        if (c - start < n) return {i, start};
        start += n;
    }
}

/// The same over an array of anchors.
template <std::size_t A>
constexpr range_at find_range(const std::uint32_t (&anchors)[A], const std::uint8_t* lengths,
                              char32_t cp) noexcept {
    return find_range(anchors, A, lengths, cp);
}

} // namespace tables

/// Code points stored as UTF-8 in a table pool: the result of b2_mapping() and
/// decomposition(). A view into static storage, valid for the whole program, or, for a
/// mapping to one code point computed from its key (an offset run), that code point's UTF-8
/// held in the view itself (iterators and utf8_data() then valid while the view lives); empty
/// when the lookup found no mapping. Iterating yields char32_t. Never allocates, never throws.
class code_point_view {
public:
    /// Iterator for range-for loops, decoding the (always valid) UTF-8 of the pool.
    class iterator {
    public:
        constexpr iterator() noexcept = default;
        constexpr explicit iterator(const char* p) noexcept : p_(p) {}
        constexpr char32_t operator*() const noexcept {
            const unsigned b0 = byte(0);
            if (b0 < 0x80) return b0;
            if (b0 < 0xE0) return ((b0 & 0x1Fu) << 6) | (byte(1) & 0x3Fu);
            if (b0 < 0xF0)
                return ((b0 & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
            return ((b0 & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) |
                   (byte(3) & 0x3Fu);
        }
        constexpr iterator& operator++() noexcept {
            const unsigned b0 = byte(0);
            p_ += b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        constexpr bool operator==(const iterator& o) const noexcept { return p_ == o.p_; }
        constexpr bool operator!=(const iterator& o) const noexcept { return p_ != o.p_; }

    private:
        constexpr unsigned byte(int i) const noexcept { return static_cast<unsigned char>(p_[i]); }
        const char* p_ = nullptr;
    };

    constexpr code_point_view() noexcept = default;
    constexpr code_point_view(const char* utf8, std::size_t bytes) noexcept
        : data_(utf8), bytes_(static_cast<std::uint32_t>(bytes)) {}
    /// The one code point cp (a scalar value: an offset run's value), encoded in the view.
    constexpr explicit code_point_view(char32_t cp) noexcept {
        bytes_ = static_cast<std::uint32_t>(encode_utf8(cp, own_)); // after own_'s zeros
    }

    constexpr bool empty() const noexcept { return bytes_ == 0; }
    /// Number of code points (counted, at most 4 bytes each: O(bytes)).
    constexpr std::size_t size() const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < bytes_; ++i)
            if ((static_cast<unsigned char>(utf8_data()[i]) & 0xC0u) != 0x80u) ++n;
        return n;
    }
    /// The UTF-8 bytes (not NUL-terminated), e.g. to append to UTF-8 output directly.
    constexpr const char* utf8_data() const noexcept { return data_ != nullptr ? data_ : own_; }
    constexpr std::size_t utf8_size() const noexcept { return bytes_; }
    constexpr iterator begin() const noexcept { return iterator(utf8_data()); }
    constexpr iterator end() const noexcept { return iterator(utf8_data() + bytes_); }
    /// Copies the code points to out (room for size() of them) and returns how many.
    constexpr std::size_t copy_to(char32_t* out) const noexcept {
        std::size_t n = 0;
        for (const char32_t c : *this) out[n++] = c;
        return n;
    }

private:
    const char* data_ = nullptr; // null: the code point in own_
    std::uint32_t bytes_ = 0;
    char own_[4] = {};
};

namespace tables {

/// The code point of key cp in an offset run whose offset field is `field` (the distance from
/// the key as a signed 14-bit number).
constexpr char32_t offset_value(char32_t cp, std::uint32_t field) noexcept {
    return static_cast<char32_t>(static_cast<std::uint32_t>(cp) + ((field ^ 0x2000u) - 0x2000u));
}

/// True when the key d code points after the start of run r is a key of r (any stride, 3
/// included).
constexpr bool run_has(const run& r, std::uint32_t d) noexcept {
    const std::uint32_t count = (r.shape & 0x3FFu) + 1;
    const std::uint32_t stride = r.body >> 14;
    if (stride != 2) return d < count;
    return d % 2 == 0 && d / 2 < count;
}

/// What key cp, d code points after the start of run r, maps to in r, or an empty view when
/// it is no key of r.
constexpr code_point_view run_lookup_at(const run& r, const char* pool, std::uint32_t d,
                                        char32_t cp) noexcept {
    if (!run_has(r, d)) return {};
    const std::uint32_t width = r.shape >> 10;
    const std::uint32_t offset = r.body & 0x3FFFu;
    const std::uint32_t stride = r.body >> 14;
    if (width == 0) return code_point_view(offset_value(cp, offset));
    if (stride == 0) return code_point_view(pool + offset, width);
    return code_point_view(pool + offset + d / stride * width, width);
}

/// What key cp (whose low 16 bits are >= start, in the run's plane) maps to in run r starting
/// at start, or an empty view when it is no key of r.
constexpr code_point_view run_lookup(std::uint32_t start, const run& r, const char* pool,
                                     char32_t cp) noexcept {
    return run_lookup_at(r, pool, (static_cast<std::uint32_t>(cp) & 0xFFFFu) - start, cp);
}

/// Looks cp up in a run table; empty view when cp is not a key.
template <std::size_t P>
constexpr code_point_view find_run(const std::uint16_t* starts, const run* runs,
                                   const std::uint16_t (&planes)[P], const char* pool,
                                   char32_t cp) noexcept {
    const std::size_t plane = cp >> 16;
    if (plane + 1 >= P) return {};
    std::size_t lo = planes[plane], hi = planes[plane + 1];
    const std::uint32_t key = static_cast<std::uint32_t>(cp) & 0xFFFFu;
    if (lo == hi || starts[lo] > key) return {};
    // The last run of the plane starting at or before cp.
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (starts[mid] <= key)
            lo = mid;
        else
            hi = mid;
    }
    return run_lookup(starts[lo], runs[lo], pool, cp);
}

} // namespace tables

/// Code points stored in the packed code of tables::decomposition1_pool (the one-level
/// decompositions): a byte 0x20..0x7E is that ASCII code point; any other byte b is a lead of
/// index i = (b - 0x7F) & 0xFF: below packed_first_block, the code point
/// decomposition1_leads[i]; below packed_first_wide, decomposition1_leads[i] << 8 | the next
/// byte; else (i - packed_first_wide) << 16 | the next two bytes. A view into static storage,
/// valid for the whole program, or, for a mapping to one code point computed from its key (an
/// offset run), that code point's code held in the view itself (iterators then valid while the
/// view lives); empty when the lookup found no mapping. Iterating yields char32_t. Never
/// allocates, never throws.
class packed_view {
public:
    /// Iterator for range-for loops, decoding the packed code.
    class iterator {
    public:
        constexpr iterator() noexcept = default;
        constexpr explicit iterator(const char* p) noexcept : p_(p) {}
        constexpr char32_t operator*() const noexcept {
            const unsigned b0 = byte(0);
            if (b0 - 0x20u < 0x5Fu) return b0;
            const unsigned i = (b0 - 0x7Fu) & 0xFFu;
            if (i < tables::packed_first_block) return tables::decomposition1_leads[i];
            if (i < tables::packed_first_wide)
                return (static_cast<unsigned>(tables::decomposition1_leads[i]) << 8) | byte(1);
            return ((i - tables::packed_first_wide) << 16) | (byte(1) << 8) | byte(2);
        }
        constexpr iterator& operator++() noexcept {
            p_ += length(byte(0));
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        constexpr bool operator==(const iterator& o) const noexcept { return p_ == o.p_; }
        constexpr bool operator!=(const iterator& o) const noexcept { return p_ != o.p_; }

    private:
        constexpr unsigned byte(int i) const noexcept { return static_cast<unsigned char>(p_[i]); }
        const char* p_ = nullptr;
    };

    constexpr packed_view() noexcept = default;
    constexpr packed_view(const char* data, std::size_t bytes) noexcept
        : data_(data), bytes_(static_cast<std::uint32_t>(bytes)) {}
    /// The one code point cp, encoded in the view in three bytes (the generator checks that
    /// every plane an offset run maps to has its lead).
    constexpr explicit packed_view(char32_t cp) noexcept : bytes_(3) {
        const std::uint32_t c = cp;
        own_[0] = static_cast<char>((tables::packed_first_wide + (c >> 16) + 0x7Fu) & 0xFFu);
        own_[1] = static_cast<char>((c >> 8) & 0xFFu);
        own_[2] = static_cast<char>(c & 0xFFu);
    }

    /// Bytes of the code point whose lead byte is b0.
    static constexpr std::size_t length(unsigned b0) noexcept {
        if (b0 - 0x20u < 0x5Fu) return 1;
        const unsigned i = (b0 - 0x7Fu) & 0xFFu;
        return i < tables::packed_first_block ? 1 : i < tables::packed_first_wide ? 2 : 3;
    }
    /// p advanced past n code points.
    static constexpr const char* skip(const char* p, std::size_t n) noexcept {
        for (; n != 0; --n) p += length(static_cast<unsigned char>(*p));
        return p;
    }

    constexpr bool empty() const noexcept { return bytes_ == 0; }
    /// Number of code points (counted: O(bytes)).
    constexpr std::size_t size() const noexcept {
        std::size_t n = 0;
        for (auto it = begin(); it != end(); ++it) ++n;
        return n;
    }
    constexpr iterator begin() const noexcept { return iterator(data()); }
    constexpr iterator end() const noexcept { return iterator(data() + bytes_); }
    /// Copies the code points to out (room for size() of them) and returns how many.
    constexpr std::size_t copy_to(char32_t* out) const noexcept {
        std::size_t n = 0;
        for (const char32_t c : *this) out[n++] = c;
        return n;
    }

private:
    constexpr const char* data() const noexcept { return data_ != nullptr ? data_ : own_; }
    const char* data_ = nullptr; // null: the code point in own_
    std::uint32_t bytes_ = 0;
    char own_[4] = {};
};

/// Every stringprep table cp belongs to, as a set of `table` bits (one binary search).
constexpr std::uint16_t properties(char32_t cp) noexcept {
    if (cp > 0x10FFFF) return 0;
    const std::size_t i =
        tables::find_range(tables::property_anchors, tables::property_lengths, cp).index;
    return tables::property_sets[tables::packed_bits(tables::property_values, i,
                                                     tables::property_value_bits)];
}

/// Flags of bmp_info() (bits 0-15 are the properties() bits, 16-23 the combining class).
inline constexpr std::uint32_t info_b2 = 1u << 24;         ///< B.2 maps the code point
inline constexpr std::uint32_t info_decomposes = 1u << 25; ///< it has a decomposition()
/// It may compose with the character before it (the second of a canonical composition pair,
/// or a Hangul vowel or trailing consonant).
inline constexpr std::uint32_t info_second = 1u << 26;
/// Combining class 0 and none of the above (Hangul syllables included, whose decomposition is
/// algorithmic and recomposes to themselves): NFKC keeps it, and what precedes it, as they are.
inline constexpr std::uint32_t info_inert = 1u << 27;

/// For cp < U+10000: properties(cp) | combining_class(cp) << 16 | info_* flags, by two table
/// loads.
constexpr std::uint32_t bmp_info(char32_t cp) noexcept {
    return tables::bmp_infos[tables::bmp_blocks[tables::bmp_index[cp >> 5] * 32u + (cp & 31u)]];
}

/// True when cp is in stringprep table t.
constexpr bool in_table(table t, char32_t cp) noexcept {
    return (properties(cp) & static_cast<std::uint16_t>(t)) != 0;
}

/// RFC 3454 A.1: unassigned in Unicode 3.2 (excluding the C.4 non-characters).
constexpr bool in_a1(char32_t cp) noexcept {
    return in_table(table::a1, cp);
}
/// RFC 3454 B.1: commonly mapped to nothing.
constexpr bool in_b1(char32_t cp) noexcept {
    return in_table(table::b1, cp);
}
/// RFC 3454 C.1.1: ASCII space.
constexpr bool in_c11(char32_t cp) noexcept {
    return in_table(table::c11, cp);
}
/// RFC 3454 C.1.2: non-ASCII space characters.
constexpr bool in_c12(char32_t cp) noexcept {
    return in_table(table::c12, cp);
}
/// RFC 3454 C.2.1: ASCII control characters.
constexpr bool in_c21(char32_t cp) noexcept {
    return in_table(table::c21, cp);
}
/// RFC 3454 C.2.2: non-ASCII control characters.
constexpr bool in_c22(char32_t cp) noexcept {
    return in_table(table::c22, cp);
}
/// RFC 3454 C.3: private use.
constexpr bool in_c3(char32_t cp) noexcept {
    return in_table(table::c3, cp);
}
/// RFC 3454 C.4: non-character code points.
constexpr bool in_c4(char32_t cp) noexcept {
    return in_table(table::c4, cp);
}
/// RFC 3454 C.5: surrogate codes.
constexpr bool in_c5(char32_t cp) noexcept {
    return in_table(table::c5, cp);
}
/// RFC 3454 C.6: inappropriate for plain text.
constexpr bool in_c6(char32_t cp) noexcept {
    return in_table(table::c6, cp);
}
/// RFC 3454 C.7: inappropriate for canonical representation.
constexpr bool in_c7(char32_t cp) noexcept {
    return in_table(table::c7, cp);
}
/// RFC 3454 C.8: change display properties or are deprecated.
constexpr bool in_c8(char32_t cp) noexcept {
    return in_table(table::c8, cp);
}
/// RFC 3454 C.9: tagging characters.
constexpr bool in_c9(char32_t cp) noexcept {
    return in_table(table::c9, cp);
}
/// RFC 3454 D.1: bidirectional property R or AL (RandALCat).
constexpr bool in_d1(char32_t cp) noexcept {
    return in_table(table::d1, cp);
}
/// RFC 3454 D.2: bidirectional property L (LCat).
constexpr bool in_d2(char32_t cp) noexcept {
    return in_table(table::d2, cp);
}

/// RFC 3454 B.2 (case folding for use with NFKC): the 1 to max_b2_length code points cp maps
/// to, or an empty view when B.2 leaves cp unchanged. Unicode 3.2 only: U+1E9E (unassigned in
/// 3.2) has no mapping.
constexpr code_point_view b2_mapping(char32_t cp) noexcept {
#if XMPPCORE_UNICODE_COMPACT
    // The runs as a partition (tables::b2_anchors): one search shared with the other tables.
    if (cp < (tables::b2_anchors[0] >> 11) || cp > 0x10FFFF) return {};
    const tables::range_at at = tables::find_range(tables::b2_anchors, tables::b2_lengths, cp);
    return tables::run_lookup_at(tables::b2_runs[at.index], tables::b2_pool,
                                 static_cast<std::uint32_t>(cp) - at.start, cp);
#else
    return tables::find_run(tables::b2_starts, tables::b2_runs, tables::b2_planes, tables::b2_pool,
                            cp);
#endif
}

/// Canonical combining class of cp in Unicode 3.2 (0 for starters and unassigned code points).
constexpr std::uint8_t combining_class(char32_t cp) noexcept {
    if (cp < first_combining || cp > 0x10FFFF) return 0;
    const std::size_t i = tables::find_range(tables::ccc_anchors, tables::ccc_lengths, cp).index;
    return tables::ccc_values[i];
}

/// Full compatibility decomposition of cp in Unicode 3.2 (compatibility and canonical
/// mappings applied recursively, canonically ordered; at most max_decomposition_length code
/// points), or an empty view when cp has none. Hangul syllables are not tabled: see
/// hangul_decompose().
constexpr code_point_view decomposition(char32_t cp) noexcept {
    if (cp < first_decomposable) return {};
    return tables::find_run(tables::decomposition_starts, tables::decomposition_runs,
                            tables::decomposition_planes, tables::decomposition_pool, cp);
}

/// The compatibility or canonical mapping of cp one level deep, as UnicodeData 3.2 gives it
/// (with Corrigendum #4; not reordered), or an empty view when cp has none: applied again to
/// each of its code points, at most max_decomposition_depth levels in all, and canonically
/// ordered, it gives decomposition(cp). Hangul syllables are not tabled.
constexpr packed_view decomposition_one_level(char32_t cp) noexcept {
    if (cp < first_decomposable || cp > 0x10FFFF) return {};
    // The run holding cp in its span; a key of it or not (the span runs to the next run).
    const tables::range_at at =
        tables::find_range(tables::decomposition1_anchors, tables::decomposition1_lengths, cp);
    const tables::run& r = tables::decomposition1_runs[at.index];
    const std::uint32_t d = static_cast<std::uint32_t>(cp) - at.start;
    if (!tables::run_has(r, d)) return {};
    const std::uint32_t width = r.shape >> 10;
    const std::uint32_t stride = r.body >> 14;
    // Width 0: an offset run (stride 1 or 2), its offset field the distance to the value.
    if (width == 0) return packed_view(tables::offset_value(cp, r.body & 0x3FFFu));
    const char* p = tables::decomposition1_pool + (r.body & 0x3FFFu);
    if (stride == 2) return packed_view(p + d / 2 * width, width);
    if (stride == 0) return packed_view(p, width);
    if (stride == 1) return packed_view(p + d * width, width);
    // Stride 3: `width` code points per key, of any byte lengths.
    p = packed_view::skip(p, d * width);
    return packed_view(p, static_cast<std::size_t>(packed_view::skip(p, width) - p));
}

/// True when cp has a decomposition (decomposition_one_level(cp) is not empty), without
/// locating it.
constexpr bool has_decomposition(char32_t cp) noexcept {
    if (cp < first_decomposable || cp > 0x10FFFF) return false;
    const tables::range_at at =
        tables::find_range(tables::decomposition1_anchors, tables::decomposition1_lengths, cp);
    return tables::run_has(tables::decomposition1_runs[at.index],
                           static_cast<std::uint32_t>(cp) - at.start);
}

/// How many code points are the second of a canonical composition pair.
inline constexpr std::size_t composition_second_count =
    sizeof(tables::composition_seconds) / sizeof(std::uint16_t);

/// The index of b among the second code points of the canonical composition pairs
/// (tables::composition_seconds), or composition_second_count when b is none of them.
constexpr std::size_t composition_second_index(char32_t b) noexcept {
    if (b < first_composable_second || b > 0xFFFF) return composition_second_count;
    std::size_t lo = 0, hi = composition_second_count;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (tables::composition_seconds[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < composition_second_count && tables::composition_seconds[lo] == b
               ? lo
               : composition_second_count;
}

/// The composite of the pair (a, b), or 0: a binary search in b's group of pairs, entry(j)
/// giving pair j as first << 16 | composite (both in the BMP), the layout of
/// tables::composition_pairs (compose_by_decomposition() builds it from other tables).
template <class Entry>
constexpr char32_t compose_in_group(char32_t a, char32_t b, Entry entry) noexcept {
    if (a > 0xFFFF) return 0;
    const std::size_t i = composition_second_index(b);
    if (i == composition_second_count) return 0;
    std::size_t first = tables::composition_groups[i];
    std::size_t last = tables::composition_groups[i + 1];
    while (first < last) {
        const std::size_t mid = first + (last - first) / 2;
        const std::uint32_t e = entry(mid);
        const char32_t m = e >> 16;
        if (m == a) return e & 0xFFFFu;
        if (m < a)
            first = mid + 1;
        else
            last = mid;
    }
    return 0;
}

/// The primary composite of the canonical pair (a, b) in Unicode 3.2, or 0 when there is none
/// (composition exclusions, singletons and non-starter decompositions never compose). Hangul
/// syllables are not tabled: see hangul_compose().
constexpr char32_t compose(char32_t a, char32_t b) noexcept {
    return compose_in_group(a, b,
                            [](std::size_t j) noexcept { return tables::composition_pairs[j]; });
}

/// Composite j of tables::composition_pairs, from its packed form.
constexpr char32_t composition_composite(std::size_t j) noexcept {
    const unsigned k = (tables::composition_page_of[j / 2] >> (4 * (j % 2))) & 0xFu;
    return static_cast<char32_t>(tables::composition_pages[k]) << 8 | tables::composition_low[j];
}

/// Same as compose(), from the packed composites and the first code point of each
/// candidate's decomposition_one_level() (a binary search with a lookup per step), without
/// tables::composition_pairs.
constexpr char32_t compose_by_decomposition(char32_t a, char32_t b) noexcept {
    return compose_in_group(a, b, [](std::size_t j) noexcept {
        const std::uint32_t c = composition_composite(j);
        return static_cast<std::uint32_t>(*decomposition_one_level(c).begin()) << 16 | c;
    });
}

/// Hangul syllable arithmetic (Unicode 3.2 section 3.12).
inline constexpr char32_t hangul_s_base = 0xAC00, hangul_l_base = 0x1100, hangul_v_base = 0x1161,
                          hangul_t_base = 0x11A7;
inline constexpr char32_t hangul_l_count = 19, hangul_v_count = 21, hangul_t_count = 28;
inline constexpr char32_t hangul_n_count = hangul_v_count * hangul_t_count;
inline constexpr char32_t hangul_s_count = hangul_l_count * hangul_n_count;

/// True for the 11,172 precomposed Hangul syllables U+AC00..U+D7A3.
constexpr bool is_hangul_syllable(char32_t cp) noexcept {
    return cp >= hangul_s_base && cp < hangul_s_base + hangul_s_count;
}

/// Writes the canonical decomposition of a Hangul syllable (L V, or L V T) to out (room for
/// 3) and returns its length, or 0 (writing nothing) when cp is not a syllable.
constexpr std::size_t hangul_decompose(char32_t cp, char32_t* out) noexcept {
    if (!is_hangul_syllable(cp)) return 0;
    const char32_t s = cp - hangul_s_base;
    out[0] = hangul_l_base + s / hangul_n_count;
    out[1] = hangul_v_base + (s % hangul_n_count) / hangul_t_count;
    const char32_t t = s % hangul_t_count;
    if (t == 0) return 2;
    out[2] = hangul_t_base + t;
    return 3;
}

/// Composes a leading jamo with a vowel jamo (L + V -> LV) or an LV syllable with a trailing
/// jamo (LV + T -> LVT); 0 for any other pair.
constexpr char32_t hangul_compose(char32_t a, char32_t b) noexcept {
    if (a >= hangul_l_base && a < hangul_l_base + hangul_l_count && b >= hangul_v_base &&
        b < hangul_v_base + hangul_v_count)
        return hangul_s_base +
               ((a - hangul_l_base) * hangul_v_count + (b - hangul_v_base)) * hangul_t_count;
    if (is_hangul_syllable(a) && (a - hangul_s_base) % hangul_t_count == 0 && b > hangul_t_base &&
        b < hangul_t_base + hangul_t_count)
        return a + (b - hangul_t_base);
    return 0;
}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when the committed header differs from the generated one")
    ap.add_argument("--sizes", action="store_true", help="print table sizes and statistics")
    args = ap.parse_args()
    text, sizes, total, stats = generate()
    if args.sizes:
        for name, size in sizes.items():
            print(f"{name:<22}{size:>7}")
        print(f"{'total':<22}{total:>7}")
        for name, v in stats.items():
            print(f"{name:<22}{v:>7}")
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else None
        if current != text:
            print(f"gen_unicode_tables: {OUT.relative_to(ROOT)} is stale; "
                  "run tools/gen_unicode_tables.py", file=sys.stderr)
            return 1
        return 0
    if not args.sizes:
        OUT.write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
