// SPDX-License-Identifier: MIT
// JID preparation over a realistic generated corpus of 1M JIDs (94.6 % all-ASCII, a few with
// uppercase, bare and full, MUC nicks, IDN domains, scripts from Latin to CJK and Arabic):
// xmppcore's parse_jid (query and stored), a table-free split + ASCII-lowercase loop (the
// floor), and, when found at build time, libidn (stringprep_xmpp_nodeprep, stringprep_nameprep
// on the whole domain, stringprep_xmpp_resourceprep, as Prosody and ejabberd call it) and ICU
// (usprep with the RFC 3920 / RFC 3491 profiles, through UTF-16 as its API requires).
//
// One benchmark iteration prepares one JID, walking the shuffled corpus, so "Time" is ns per
// JID for every engine even where a whole pass would take seconds (libidn). The machine is
// shared; prefer
//   jid_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// Instructions per JID (callgrind, which counts exactly, unlike timers on a shared machine):
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null jid_bench --ir ENGINE N
// prepares N JIDs with ENGINE (xmppcore, xmppcore-stored, split-lowercase, libidn, icu; with
// a suffix /ascii or /non-ascii, only from that part of the corpus) and nothing else; run it
// with N = 0 and N = 200000 and divide the difference in Ir by 200000
// (tools/jid_ir_per_jid.sh does that for each engine).
#include <xmppcore/xmppcore.hpp>

#include <benchmark/benchmark.h>

#ifdef XMPPCORE_BENCH_HAVE_LIBIDN
#include <stringprep.h>
#endif
#ifdef XMPPCORE_BENCH_HAVE_ICU
#include <unicode/ustring.h>
#include <unicode/usprep.h>
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

// --- corpus ------------------------------------------------------------------------------

struct rng {
    std::uint64_t s;
    std::uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool chance(unsigned per_mille) { return below(1000) < per_mille; }
    template <std::size_t N>
    const char* pick(const char* const (&a)[N]) {
        return a[below(N)];
    }
};

const char* const first_names[] = {
    "alice",  "bob",   "carol",   "dave",  "eve",   "frank",  "grace",   "heidi",
    "ivan",   "judy",  "mallory", "oscar", "peggy", "trent",  "victor",  "walter",
    "juliet", "romeo", "john",    "mary",  "lukas", "sophie", "mohamed", "wei",
    "yuki",   "olga",  "pierre",  "anna",  "marco", "ines",   "kim"};
const char* const last_names[] = {"smith", "jones", "doe",     "miller", "garcia", "martin",  "lee",
                                  "novak", "rossi", "schmidt", "dubois", "tanaka", "kowalski"};
const char* const domains[] = {"jabber.org",
                               "xmpp.jp",
                               "conversations.im",
                               "example.com",
                               "jabber.de",
                               "jabber.ccc.de",
                               "yax.im",
                               "404.city",
                               "chat.example.org",
                               "im.company.co.uk",
                               "xmpp.university.edu",
                               "jabber.fr",
                               "disroot.org",
                               "movim.eu",
                               "blabber.im",
                               "jabjab.de",
                               "conference.jabber.org",
                               "muc.xmpp.org",
                               "chat.404.city",
                               "upload.jabber.org",
                               "pubsub.example.com",
                               "proxy.eu.jabber.org",
                               "localhost",
                               "xmpp.example.net"};
const char* const clients[] = {"Gajim", "Conversations", "Psi",       "Dino",   "Monal",  "Pidgin",
                               "Swift", "Movim",         "Profanity", "Siskin", "Beagle", "poezio"};
const char* const nicks[] = {
    "Romeo Montague", "Mercutio", "the nurse", "Friar Laurence", "Tybalt", "bob_",
    "alice (away)",   "Dr. Who",  "x",         "ChatBot v2"};
// Non-ASCII localparts, resources and IDN labels, as real deployments see them.
const char* const unicode_locals[] = {"m\u00FCller",
                                      "M\u00FCller",
                                      "jos\u00E9",
                                      "fran\u00E7ois",
                                      "\u00E5sa",
                                      "bj\u00F6rn",
                                      "\u0438\u0432\u0430\u043D",
                                      "\u0418\u0432\u0430\u043D",
                                      "\u03C3\u03C9\u03BA\u03C1\u03AC\u03C4\u03B7\u03C2",
                                      "\u5F20\u4F1F",
                                      "\u7530\u4E2D",
                                      "\u0645\u062D\u0645\u062F",
                                      "\u05D3\u05D5\u05D3",
                                      "\uAE40\uBBFC\uC900",
                                      "stra\u00DFe",
                                      "\u0141ukasz",
                                      "zo\u00EB",
                                      "\u00C9milie",
                                      "ren\u00E9e"};
const char* const unicode_resources[] = {
    "T\u00E9l\u00E9phone", "\u624B\u673A",
    "B\u00FCro",           "\u041D\u043E\u0443\u0442\u0431\u0443\u043A",
    "\U0001F4F1 phone",    "Caf\u00E9"};
const char* const unicode_domains[] = {"b\u00FCcher.example", "m\u00FCnchen.de",
                                       "\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444",
                                       "\u4F8B\u3048.jp", "xn--mnchen-3ya.de"};

std::string random_id(rng& r, std::size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += alphabet[r.below(sizeof alphabet - 1)];
    return s;
}

std::string capitalized(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
    return s;
}

std::string make_ascii_local(rng& r) {
    std::string s = r.pick(first_names);
    switch (r.below(6)) {
    case 0: s += "." + std::string(r.pick(last_names)); break;
    case 1: s += "_" + std::string(r.pick(last_names)); break;
    case 2: s += std::to_string(r.below(2000)); break;
    case 3: s = std::string(1, s[0]) + r.pick(last_names); break;
    default: break;
    }
    if (r.chance(60)) s = capitalized(s); // a client that does not lowercase
    return s;
}

std::string make_jid(rng& r, bool unicode) {
    std::string local, domain = r.pick(domains), resource;
    bool has_local = !r.chance(50), has_resource = r.chance(650);
    if (domain.rfind("conference.", 0) == 0 || domain.rfind("muc.", 0) == 0 ||
        domain.rfind("chat.", 0) == 0) {
        local = std::string(r.pick(last_names)) + "-room";
        resource = r.pick(nicks);
        has_local = has_resource = true;
    } else {
        local = make_ascii_local(r);
        resource =
            r.chance(500) ? std::string(r.pick(clients)) + "." + random_id(r, 8) : random_id(r, 12);
    }
    if (r.chance(15)) domain = capitalized(domain);
    if (unicode) {
        switch (r.below(4)) {
        case 0:
        case 1:
            local = r.pick(unicode_locals);
            has_local = true;
            break;
        case 2:
            resource = r.pick(unicode_resources);
            has_resource = true;
            break;
        default:
            domain = r.pick(unicode_domains);
            has_local = true;
            break;
        }
    }
    std::string j;
    if (has_local) j = local + "@";
    j += domain;
    if (has_resource) j += "/" + resource;
    return j;
}

struct corpus_t {
    std::string bytes;
    std::vector<std::string_view> jids;
    std::size_t ascii = 0;
};

const corpus_t& corpus() {
    static const corpus_t c = [] {
        constexpr std::size_t count = 1u << 20; // 1,048,576
        rng r{0x9E3779B97F4A7C15ull};
        std::vector<std::string> v;
        v.reserve(count);
        for (std::size_t i = 0; i < count; ++i) v.push_back(make_jid(r, i % 1000 < 57));
        for (std::size_t i = count - 1; i > 0; --i) std::swap(v[i], v[r.below(i + 1)]);
        corpus_t out;
        std::vector<std::size_t> offsets;
        for (const std::string& s : v) {
            offsets.push_back(out.bytes.size());
            out.bytes += s;
            const bool ascii = std::all_of(
                s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
            if (ascii) ++out.ascii;
        }
        for (std::size_t i = 0; i < v.size(); ++i)
            out.jids.emplace_back(out.bytes.data() + offsets[i], v[i].size());
        return out;
    }();
    return c;
}

// --- engines -----------------------------------------------------------------------------
// Each returns a number derived from the prepared JID (so that nothing is optimized away) or
// 0 when the JID is rejected.

struct split_parts {
    std::string_view local, domain, resource;
    bool has_local = false, has_resource = false;
};

split_parts split(std::string_view in) {
    split_parts p;
    std::string_view rest = in;
    const std::size_t slash = in.find('/');
    if (slash != std::string_view::npos) {
        p.has_resource = true;
        p.resource = in.substr(slash + 1);
        rest = in.substr(0, slash);
    }
    const std::size_t at = rest.find('@');
    if (at != std::string_view::npos) {
        p.has_local = true;
        p.local = rest.substr(0, at);
        p.domain = rest.substr(at + 1);
    } else {
        p.domain = rest;
    }
    return p;
}

std::size_t run_xmppcore(std::string_view in, xmppcore::prep_mode mode) {
    char buf[xmppcore::jid_max_size];
    const auto r = xmppcore::parse_jid(in, buf, mode);
    return r ? r->full().size() : 0;
}

// The floor: split, lowercase local and domain into a buffer, copy the resource. No tables,
// no validation.
std::size_t run_split_lowercase(std::string_view in) {
    char buf[xmppcore::jid_max_size];
    const split_parts p = split(in);
    std::size_t n = 0;
    auto lower = [&](std::string_view s) {
        for (const char c : s) buf[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (p.has_local) {
        lower(p.local);
        buf[n++] = '@';
    }
    lower(p.domain);
    if (p.has_resource) {
        buf[n++] = '/';
        std::memcpy(buf + n, p.resource.data(), p.resource.size());
        n += p.resource.size();
    }
    benchmark::DoNotOptimize(buf);
    return n;
}

#ifdef XMPPCORE_BENCH_HAVE_LIBIDN
// libidn prepares NUL-terminated strings in place: copy each part, prepare it.
std::size_t run_libidn(std::string_view in) {
    const split_parts p = split(in);
    char local[1024 * 4], domain[1024 * 4], resource[1024 * 4];
    auto prep = [](std::string_view s, char* buf, const Stringprep_profile* profile) {
        if (s.size() >= 1024) return false;
        std::memcpy(buf, s.data(), s.size());
        buf[s.size()] = '\0';
        return stringprep(buf, 1024 * 4, Stringprep_profile_flags(0), profile) == STRINGPREP_OK;
    };
    std::size_t n = 0;
    if (p.has_local) {
        if (!prep(p.local, local, stringprep_xmpp_nodeprep)) return 0;
        n += std::strlen(local) + 1;
    }
    if (!prep(p.domain, domain, stringprep_nameprep)) return 0;
    n += std::strlen(domain);
    if (p.has_resource) {
        if (!prep(p.resource, resource, stringprep_xmpp_resourceprep)) return 0;
        n += std::strlen(resource) + 1;
    }
    return n;
}
#endif

#ifdef XMPPCORE_BENCH_HAVE_ICU
struct icu_profiles {
    UStringPrepProfile* node = nullptr;
    UStringPrepProfile* name = nullptr;
    UStringPrepProfile* resource = nullptr;
    icu_profiles() {
        UErrorCode e = U_ZERO_ERROR;
        node = usprep_openByType(USPREP_RFC3920_NODEPREP, &e);
        e = U_ZERO_ERROR;
        name = usprep_openByType(USPREP_RFC3491_NAMEPREP, &e);
        e = U_ZERO_ERROR;
        resource = usprep_openByType(USPREP_RFC3920_RESOURCEPREP, &e);
    }
};

const icu_profiles& icu() {
    static const icu_profiles p;
    return p;
}

// UTF-8 -> UTF-16, usprep_prepare, UTF-16 -> UTF-8, per part; the UErrorCode reset each time.
std::size_t run_icu(std::string_view in) {
    const split_parts p = split(in);
    auto prep = [](std::string_view s, UStringPrepProfile* profile) -> std::int32_t {
        UChar u16[2048], prepped[4096];
        char out[8192];
        UErrorCode e = U_ZERO_ERROR;
        std::int32_t len = 0;
        u_strFromUTF8(u16, 2048, &len, s.data(), static_cast<std::int32_t>(s.size()), &e);
        if (U_FAILURE(e)) return -1;
        const std::int32_t n =
            usprep_prepare(profile, u16, len, prepped, 4096, USPREP_ALLOW_UNASSIGNED, nullptr, &e);
        if (U_FAILURE(e)) return -1;
        std::int32_t out_len = 0;
        u_strToUTF8(out, sizeof out, &out_len, prepped, n, &e);
        if (U_FAILURE(e)) return -1;
        benchmark::DoNotOptimize(out);
        return out_len;
    };
    std::size_t n = 0;
    if (p.has_local) {
        const std::int32_t k = prep(p.local, icu().node);
        if (k < 0) return 0;
        n += static_cast<std::size_t>(k) + 1;
    }
    const std::int32_t d = prep(p.domain, icu().name);
    if (d < 0) return 0;
    n += static_cast<std::size_t>(d);
    if (p.has_resource) {
        const std::int32_t k = prep(p.resource, icu().resource);
        if (k < 0) return 0;
        n += static_cast<std::size_t>(k) + 1;
    }
    return n;
}
#endif

// --- benchmarks --------------------------------------------------------------------------

template <class F>
void walk(benchmark::State& state, F prepare_one) {
    const corpus_t& c = corpus();
    std::size_t i = 0, bytes = 0, rejected = 0;
    for (auto _ : state) {
        const std::string_view j = c.jids[i];
        const std::size_t n = prepare_one(j);
        benchmark::DoNotOptimize(n);
        if (n == 0) ++rejected;
        bytes += j.size();
        if (++i == c.jids.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["rejected"] = static_cast<double>(rejected);
    state.counters["ascii_pct"] =
        100.0 * static_cast<double>(c.ascii) / static_cast<double>(c.jids.size());
}

void bm_jid_xmppcore(benchmark::State& state) {
    walk(state, [](std::string_view j) { return run_xmppcore(j, xmppcore::prep_mode::query); });
}
void bm_jid_xmppcore_stored(benchmark::State& state) {
    walk(state, [](std::string_view j) { return run_xmppcore(j, xmppcore::prep_mode::stored); });
}
void bm_jid_split_lowercase(benchmark::State& state) {
    walk(state, run_split_lowercase);
}
#ifdef XMPPCORE_BENCH_HAVE_LIBIDN
void bm_jid_libidn(benchmark::State& state) {
    walk(state, run_libidn);
}
#endif
#ifdef XMPPCORE_BENCH_HAVE_ICU
void bm_jid_icu(benchmark::State& state) {
    walk(state, run_icu);
}
#endif

// Per kind of input, xmppcore only: the ASCII fast path, and the Unicode path.
struct subsets_t {
    std::vector<std::string_view> ascii, non_ascii;
};

const subsets_t& subsets() {
    static const subsets_t s = [] {
        subsets_t r;
        for (const std::string_view j : corpus().jids) {
            const bool a = std::all_of(
                j.begin(), j.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
            (a ? r.ascii : r.non_ascii).push_back(j);
        }
        return r;
    }();
    return s;
}

void bm_jid_xmppcore_subset(benchmark::State& state, bool ascii) {
    const std::vector<std::string_view>& v = ascii ? subsets().ascii : subsets().non_ascii;
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(run_xmppcore(v[i], xmppcore::prep_mode::query));
        if (++i == v.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

} // namespace

BENCHMARK(bm_jid_xmppcore);
BENCHMARK(bm_jid_xmppcore_stored);
BENCHMARK(bm_jid_split_lowercase);
#ifdef XMPPCORE_BENCH_HAVE_LIBIDN
BENCHMARK(bm_jid_libidn);
#endif
#ifdef XMPPCORE_BENCH_HAVE_ICU
BENCHMARK(bm_jid_icu);
#endif
BENCHMARK_CAPTURE(bm_jid_xmppcore_subset, ascii_only, true);
BENCHMARK_CAPTURE(bm_jid_xmppcore_subset, non_ascii_only, false);

int main(int argc, char** argv) {
    // jid_bench --ir ENGINE N: prepare N JIDs with ENGINE and exit (for callgrind).
    if (argc == 4 && std::strcmp(argv[1], "--ir") == 0) {
        std::string_view engine = argv[2];
        // "ENGINE/ascii" and "ENGINE/non-ascii" walk only that part of the corpus.
        int subset = 0;
        if (engine.size() > 6 && engine.substr(engine.size() - 6) == "/ascii") {
            subset = 1;
            engine.remove_suffix(6);
        } else if (engine.size() > 10 && engine.substr(engine.size() - 10) == "/non-ascii") {
            subset = 2;
            engine.remove_suffix(10);
        }
        static_cast<void>(subsets()); // built before counting, as the corpus is
        std::size_t (*run)(std::string_view) = nullptr;
        if (engine == "xmppcore")
            run = [](std::string_view j) { return run_xmppcore(j, xmppcore::prep_mode::query); };
        else if (engine == "xmppcore-stored")
            run = [](std::string_view j) { return run_xmppcore(j, xmppcore::prep_mode::stored); };
        else if (engine == "split-lowercase")
            run = run_split_lowercase;
#ifdef XMPPCORE_BENCH_HAVE_LIBIDN
        else if (engine == "libidn")
            run = run_libidn;
#endif
#ifdef XMPPCORE_BENCH_HAVE_ICU
        else if (engine == "icu")
            run = run_icu;
#endif
        if (run == nullptr) {
            std::fprintf(stderr, "unknown engine\n");
            return 2;
        }
        const std::size_t n = static_cast<std::size_t>(std::strtoull(argv[3], nullptr, 10));
        const std::vector<std::string_view>& jids = subset == 1   ? subsets().ascii
                                                    : subset == 2 ? subsets().non_ascii
                                                                  : corpus().jids;
        std::size_t sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += run(jids[i % jids.size()]);
        std::printf("%zu JIDs, checksum %zu\n", n, sum);
        return 0;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
