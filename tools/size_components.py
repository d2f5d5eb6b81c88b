#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where the flash of an embedded probe image goes, by component (issue 8).

    size_components.py NM PROBE.elf EMPTY.elf FLASH_DELTA [LABEL]

Reads the symbol table of PROBE.elf with NM (arm-none-eabi-nm), drops the symbols EMPTY.elf
has too (same name and size: the C runtime, the probe's input) and aliases (one symbol per
address), sorts the rest into components by their demangled names, and prints one line per
component. FLASH_DELTA is the image's flash beyond the empty program (text + data, as
tools/size_probe.sh prints it); what the named code and data in flash do not account for is
printed as "string literals, alignment" (merged string sections have no symbols). RAM symbols
(.bss, and .data counted once in flash) are left out of the components.
"""

import re
import subprocess
import sys

# First match wins; names are demangled, with "xmppcore::v0::" removed.
COMPONENTS = [
    ("the probe itself (application)", r"^\(anonymous namespace\)|^main$"),
    ("Unicode tables and normalization", r"unicode::|nfkc"),
    ("XML tokenizer and stream header", r"^xml_tokenizer<|^xml_stream_header"),
    ("XML characters, UTF-8, references",
     r"xml_byte_class|is_name_start_char|is_name_char|is_xml_char|name_start_bmp|"
     r"check_xml_chars|code_point|utf8|decode_pieces|xml_decode|predefined_entity|"
     r"parse_char_ref|digit_value"),
    ("element views and the tag walker",
     r"^element_view|^element_range|^xml_value|xw_|xml_view_ctx|qname|children_named|"
     r"first_child|^xml_ns::|^xmpp_ns::"),
    ("stanza readers, error conditions",
     r"^stanza::|^message::|^presence::|^iq::|stanza_error|error_children|best_language|"
     r"same_lang|parse_priority|alternatives|short_value|stream_condition|address_jid"),
    ("stanza builder, XML writer", r"stanza_builder|xml_writer"),
    ("client session", r"^client_session<|session_ns|session_transition"),
    ("SASL client, SCRAM, base64",
     r"sasl|scram|mechanism|prep_to_back|base64|channel_binding"),
    ("SHA-256, HMAC, PBKDF2",
     r"sha1|sha2|sha256|sha512|basic_hash|hmac|pbkdf2|secure_wipe|constant_time"),
    ("JID parsing and preparation", r"jid|prep::"),
    ("C library (memcpy, strlen, ...)", r"^[A-Za-z_][A-Za-z0-9_]*$"),
]
OTHER = "shared helpers, switch tables"
FLASH_TYPES = set("TtWwVvRrDd")  # code, weak code/objects, read-only and initialised data


def symbols(nm, elf):
    out = subprocess.run([nm, "-C", "-S", elf], capture_output=True, text=True,
                         check=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4:
            continue
        addr, size, kind, name = parts
        rows.append((int(addr, 16), int(size, 16), kind, name.strip()))
    return rows


def component(name):
    name = name.replace("xmppcore::v0::", "")
    for label, pattern in COMPONENTS:
        if re.search(pattern, name):
            return label
    return OTHER


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    nm, probe, empty, delta = sys.argv[1:5]
    label = sys.argv[5] if len(sys.argv) == 6 else probe
    baseline = {(name, size) for _, size, _, name in symbols(nm, empty)}
    totals = {}
    seen = set()
    for addr, size, kind, name in symbols(nm, probe):
        if kind not in FLASH_TYPES or addr in seen or (name, size) in baseline:
            continue
        seen.add(addr)
        c = component(name)
        totals[c] = totals.get(c, 0) + size
    named = sum(totals.values())
    order = [label for label, _ in COMPONENTS] + [OTHER]
    print(f"  {label}: flash by component (named symbols; bytes)")
    for c in order:
        if c in totals:
            print(f"    {totals[c]:7d}  {c}")
    print(f"    {int(delta) - named:7d}  string literals, alignment (no symbols)")
    print(f"    {int(delta):7d}  total beyond the empty program")


if __name__ == "__main__":
    main()
