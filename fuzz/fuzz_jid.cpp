// SPDX-License-Identifier: MIT
// JID preparation on any bytes. Input: the JID. Checks, trapping on any failure:
//  - parse_jid never crashes or reads outside the input (ASan), in query and stored mode, and
//    its error report agrees with its result;
//  - an accepted JID is well-formed UTF-8 without NUL, each present part 1..1023 bytes, at
//    most 3,071 in all, and its parts are the pieces of full();
//  - preparation is idempotent: the prepared JID parses to itself, as a view of its input
//    (nothing left to change), and so does each prepared part through the part functions;
//  - stored is stricter than query: a JID accepted as stored is accepted as a query, the same;
//  - jid::parse and make_jid (from the prepared parts) agree with parse_jid;
//  - XEP-0106: unescaping an escaped localpart gives the input back;
//  - with libidn (XMPPCORE_FUZZ_HAVE_LIBIDN, test-only): each of the four profiles, on the
//    whole input when it is valid UTF-8 without NUL, agrees with libidn's stringprep() in
//    both modes, except on the PR #29 sequences libidn's own pr29_8z() flags (libidn
//    composes across a blocking mark; see tests/unit/jid_test.cpp).
#include <xmppcore/xmppcore.hpp>

#ifdef XMPPCORE_FUZZ_HAVE_LIBIDN
#include <pr29.h>
#include <stringprep.h>
#endif

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

using namespace xmppcore;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_jid: %s\n", what);
        __builtin_trap();
    }
}

bool valid_utf8_without_nul(std::string_view s) {
    return detail::first_invalid_utf8(s) == s.size() && s.find('\0') == std::string_view::npos;
}

void check_prepared(jid_view j) {
    const std::string_view f = j.full();
    check(valid_utf8_without_nul(f), "prepared JID is not valid UTF-8 without NUL");
    check(f.size() <= jid_max_size, "prepared JID longer than 3071 bytes");
    check(!j.domain().empty() && j.domain().size() <= jid_part_max_size, "domain length");
    check(j.local().size() <= jid_part_max_size, "localpart length");
    check(j.resource().size() <= jid_part_max_size, "resourcepart length");
    std::string pieces;
    if (j.has_local()) pieces.append(j.local()).append("@");
    pieces.append(j.domain());
    check(pieces == j.bare(), "bare() is not local@domain");
    if (j.has_resource()) pieces.append("/").append(j.resource());
    check(pieces == f, "full() is not the parts joined");
}

// prepare(prepare(x)) == prepare(x), returned as a view of its input.
void check_part_idempotent(result<std::string_view> (*prep)(std::string_view, char*, std::size_t,
                                                            prep_mode, jid_error*),
                           std::string_view in, prep_mode mode) {
    char b1[jid_max_size], b2[jid_max_size];
    const auto once = prep(in, b1, sizeof b1, mode, nullptr);
    if (!once) return;
    check(once->size() <= jid_part_max_size && valid_utf8_without_nul(*once), "prepared part");
    const auto twice = prep(*once, b2, sizeof b2, mode, nullptr);
    check(twice.has_value(), "a prepared part is rejected");
    check(*twice == *once, "a prepared part prepares to something else");
    check(twice->data() == once->data(), "a prepared part is copied");
}

#ifdef XMPPCORE_FUZZ_HAVE_LIBIDN
void check_libidn(std::string_view in) {
    if (in.size() > 256 || !valid_utf8_without_nul(in)) return;
    const std::string s(in);
    if (pr29_8z(s.c_str()) == PR29_PROBLEM) return;
    struct pair {
        const detail::prep::profile* ours;
        const Stringprep_profile* theirs;
    };
    const pair profiles[] = {{&detail::prep::nodeprep, stringprep_xmpp_nodeprep},
                             {&detail::prep::resourceprep, stringprep_xmpp_resourceprep},
                             {&detail::prep::nameprep, stringprep_nameprep},
                             {&detail::prep::saslprep, stringprep_saslprep}};
    for (const pair& p : profiles) {
        for (const prep_mode mode : {prep_mode::query, prep_mode::stored}) {
            static char ours_buf[8192], theirs_buf[8192];
            detail::prep::cow_output out(in, ours_buf, sizeof ours_buf);
            detail::prep::failure f;
            const bool ours_ok = detail::prep::prepare(out, in, 0, *p.ours, mode,
                                                       errc::jid_resourcepart_too_long, f);
            if (!ours_ok && f.ec == errc::jid_resourcepart_too_long) continue; // beyond 1023
            s.copy(theirs_buf, s.size());
            theirs_buf[s.size()] = '\0';
            const int rc = stringprep(theirs_buf, sizeof theirs_buf,
                                      mode == prep_mode::stored ? STRINGPREP_NO_UNASSIGNED
                                                                : Stringprep_profile_flags(0),
                                      p.theirs);
            check(ours_ok == (rc == STRINGPREP_OK), "accepts what libidn rejects, or the reverse");
            if (!ours_ok) continue;
            const std::string ours(out.view());
            // libidn composes across a blocking mark also when NFKC produced the starters.
            if (ours != theirs_buf && pr29_8z(ours.c_str()) == PR29_PROBLEM) continue;
            check(ours == theirs_buf, "prepares differently from libidn");
        }
    }
}
#endif

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    char query_buf[jid_max_size], stored_buf[jid_max_size], again_buf[jid_max_size];
    jid_error qe, se;
    const auto query = parse_jid(in, query_buf, prep_mode::query, &qe);
    const auto stored = parse_jid(in, stored_buf, prep_mode::stored, &se);
    check(query ? qe.ec == errc::ok : qe.ec == query.error(), "query error report");
    check(stored ? se.ec == errc::ok : se.ec == stored.error(), "stored error report");
    if (stored) {
        check(query.has_value(), "accepted as stored, rejected as a query");
        check(stored->full() == query->full(), "stored and query preparations differ");
    }
    if (query) {
        check_prepared(*query);
        const std::string once(query->full());
        const auto again = parse_jid(once, again_buf, prep_mode::query);
        check(again.has_value(), "the prepared JID is rejected");
        check(again->full() == once && again->full().data() == once.data(),
              "the prepared JID prepares to something else");
        check(again->local() == query->local() && again->domain() == query->domain() &&
                  again->resource() == query->resource(),
              "the prepared JID splits differently");
        const auto owned = jid::parse(in);
        check(owned.has_value() && owned->view() == *query, "jid::parse disagrees");
        const auto made = make_jid(query->local(), query->domain(), query->resource(), again_buf,
                                   sizeof again_buf);
        check(made.has_value() && *made == *query, "make_jid of the parts disagrees");
    }
    for (const prep_mode mode : {prep_mode::query, prep_mode::stored}) {
        check_part_idempotent(prepare_localpart, in, mode);
        check_part_idempotent(prepare_domainpart, in, mode);
        check_part_idempotent(prepare_resourcepart, in, mode);
    }
    char esc[3 * 4096], back[4096];
    if (size <= 4096) {
        const auto e = escape_localpart(in, esc, sizeof esc);
        if (e) {
            const auto u = unescape_localpart(*e, back, sizeof back);
            check(u.has_value() && *u == in, "unescape(escape(x)) != x");
        }
    }
#ifdef XMPPCORE_FUZZ_HAVE_LIBIDN
    check_libidn(in);
#endif
    return 0;
}
