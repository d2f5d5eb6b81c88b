// SPDX-License-Identifier: MIT
// Runs one XML parser over the generated XMPP stream, for instruction counting under callgrind
// (tools/xml_ir_per_byte.sh), and checks the generator.
//
//   xml_ir_driver PARSER [CHUNK [BYTES [SEED [INPUT]]]]
//     PARSER  none | xmppcore | expat | libxml2 ("none" only generates the stream, so that its
//             instructions can be subtracted); CHUNK: feed size in bytes, 0 = whole (default
//             4096); BYTES: stream size (default 32 MiB); SEED (default 1); INPUT: `stream`
//             (default) or `big-attribute`, the big-token probe (one start tag whose attribute
//             value is BYTES long).
//   xml_ir_driver check
//     Generates streams of several sizes and seeds and checks that they are deterministic, that
//     expat and libxml2 accept them as complete documents once closed, and that every parser
//     (xmppcore whole, in 1460-byte and 1-byte chunks) sees the generator's element, stanza and
//     attribute counts. Exit status 0 when everything holds.
#include "xml_bench_drivers.hpp"
#include "support/xml_stream_gen.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using namespace xmppcore_bench;

bool same_counts(const char* who, const parse_result& r, const xmpp_stream_stats& s,
                 const parse_counts* ref) {
    if (!r.ok) {
        std::printf("FAIL %s: %s\n", who, r.error.c_str());
        return false;
    }
    const parse_counts& c = r.counts;
    // Every start tag but the root's has its end (the stream is closed or left open after a
    // complete stanza).
    bool ok = c.starts == s.elements && c.ends == s.elements - 1 && c.stanzas == s.stanzas;
    if (ref) ok = ok && c.attributes == ref->attributes;
    if (!ok) {
        std::printf("FAIL %s: starts %llu ends %llu stanzas %llu attributes %llu; generator: "
                    "elements %zu stanzas %zu; reference attributes %llu\n",
                    who, static_cast<unsigned long long>(c.starts),
                    static_cast<unsigned long long>(c.ends),
                    static_cast<unsigned long long>(c.stanzas),
                    static_cast<unsigned long long>(c.attributes), s.elements, s.stanzas,
                    static_cast<unsigned long long>(ref ? ref->attributes : 0));
    }
    return ok;
}

int check() {
    bool ok = true;
    window_buffer buf;
    const std::size_t sizes[] = {1, 4096, 300 * 1024, 4 * 1024 * 1024};
    const std::uint32_t seeds[] = {1, 2, 3, 0xC0FFEE};
    for (const std::size_t size : sizes) {
        for (const std::uint32_t seed : seeds) {
            if (size >= 4 * 1024 * 1024 && seed != 1) continue;
            xmpp_stream_stats st, st2;
            const std::string s = make_xmpp_stream(size, seed, &st);
            if (make_xmpp_stream(size, seed, &st2) != s || s.size() < size) {
                std::printf("FAIL size %zu seed %u: not deterministic or too short\n", size, seed);
                ok = false;
            }
            const parse_result x = run_xmppcore(s, 0, buf);
            ok = same_counts("xmppcore whole", x, st, nullptr) && ok;
            ok = same_counts("xmppcore 1460", run_xmppcore(s, 1460, buf), st, &x.counts) && ok;
            if (size <= 300 * 1024)
                ok = same_counts("xmppcore 1 B", run_xmppcore(s, 1, buf), st, &x.counts) && ok;
            const std::string closed = s + std::string(xmpp_stream_close);
#ifdef XMPPCORE_BENCH_HAVE_EXPAT
            ok = same_counts("expat, closed, final", run_expat(closed, 0, true), st, &x.counts) &&
                 ok;
            ok = same_counts("expat 1460", run_expat(s, 1460), st, &x.counts) && ok;
#endif
#ifdef XMPPCORE_BENCH_HAVE_LIBXML2
            ok = same_counts("libxml2, closed, terminated", run_libxml2(closed, 0, true), st,
                             &x.counts) &&
                 ok;
            ok = same_counts("libxml2 1460", run_libxml2(s, 1460), st, &x.counts) && ok;
#endif
            std::printf("size %zu seed %u: %zu bytes, %zu stanzas, %zu elements, %zu keepalives\n",
                        size, seed, s.size(), st.stanzas, st.elements, st.keepalives);
        }
    }
#ifndef XMPPCORE_BENCH_HAVE_EXPAT
    std::printf("note: built without expat, the well-formedness check did not run\n");
#endif
    std::printf(ok ? "OK\n" : "FAILED\n");
    return ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: %s none|xmppcore|expat|libxml2|check [CHUNK [BYTES [SEED "
                     "[stream|big-attribute]]]]\n",
                     argv[0]);
        return 2;
    }
#ifdef XMPPCORE_BENCH_HAVE_LIBXML2
    libxml2_init();
#endif
    const std::string parser = argv[1];
    if (parser == "check") return check();
    const std::size_t chunk = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 4096;
    const std::size_t bytes = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 32u << 20;
    const auto seed = static_cast<std::uint32_t>(argc > 4 ? std::strtoul(argv[4], nullptr, 0) : 1);

    const std::string input = argc > 5 ? argv[5] : "stream";
    if (input != "stream" && input != "big-attribute") {
        std::fprintf(stderr, "unknown input: %s\n", input.c_str());
        return 2;
    }
    const bool big = input == "big-attribute";
    const std::string s =
        big ? make_big_attribute_stream(bytes, seed) : make_xmpp_stream(bytes, seed);
    xmppcore::xml_limits limits;
    if (big) limits.max_stanza_bytes = static_cast<std::uint32_t>(bytes + 1024);
    parse_result r;
    if (parser == "none") {
        r.ok = true;
    } else if (parser == "xmppcore") {
        window_buffer buf;
        r = run_xmppcore(s, chunk, buf, limits);
#ifdef XMPPCORE_BENCH_HAVE_EXPAT
    } else if (parser == "expat") {
        r = run_expat(s, chunk);
#endif
#ifdef XMPPCORE_BENCH_HAVE_LIBXML2
    } else if (parser == "libxml2") {
        r = run_libxml2(s, chunk);
#endif
    } else {
        std::fprintf(stderr, "unknown or unavailable parser: %s\n", parser.c_str());
        return 2;
    }
    if (!r.ok) {
        std::fprintf(stderr, "%s\n", r.error.c_str());
        return 1;
    }
    std::printf("%s chunk %zu: %zu bytes, %llu elements, %llu stanzas\n", parser.c_str(), chunk,
                s.size(), static_cast<unsigned long long>(r.counts.starts),
                static_cast<unsigned long long>(r.counts.stanzas));
    return 0;
}
