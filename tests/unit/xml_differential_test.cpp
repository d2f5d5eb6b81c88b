// SPDX-License-Identifier: MIT
// The tokenizer against expat on generated input: realistic XMPP streams must give the same
// events, and mutated ones the same verdict (except where the difference is documented: RFC 6120
// restrictions, XMPP stream rules and limits, which expat does not know).
#include <xmppcore/xmppcore.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "support/expat_oracle.hpp"
#include "support/xml_log.hpp"
#include "support/xml_stream_gen.hpp"

using xmppcore::errc;
using xmppcore::xml_mode;

namespace {

std::uint32_t next(std::uint64_t& s) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(s >> 33);
}

} // namespace

TEST_CASE("realistic generated streams give expat's events", "[xml][expat][generated]") {
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        const std::string doc = xmppcore_bench::make_xmpp_stream(96 * 1024, seed) +
                                std::string(xmppcore_bench::xmpp_stream_close);
        INFO("seed " << seed);
        const auto o = xmppcore_test::expat_events(doc, false);
        REQUIRE(o.well_formed);
        const auto ours = xmppcore_test::run_whole(doc, xml_mode::document);
        REQUIRE(ours.ec == errc::ok);
        CHECK(ours.canonical == o.log);
        // As a stream, fed like a network peer would, the events are the same too.
        const auto split = xmppcore_test::run_tokenizer(
            doc, xml_mode::stream, xmppcore_test::chunk_splits(doc.size(), 1460));
        CHECK(split.ec == errc::ok);
        CHECK(split.invariant_ok);
    }
}

TEST_CASE("mutated streams get expat's verdict", "[xml][expat][generated]") {
    const std::string base = xmppcore_bench::make_xmpp_stream(2048, 7);
    static constexpr char specials[] = "<>&;'\"=/!?[]#x: \t\r\n\x80\xC3\xA9\xEF\xBF\xBE\x01";
    std::uint64_t rng = 12345;
    std::size_t rejected = 0, compared = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string doc = base;
        const int edits = 1 + static_cast<int>(next(rng) % 3);
        for (int k = 0; k < edits; ++k) {
            const std::size_t at = next(rng) % doc.size();
            const char c = specials[next(rng) % (sizeof specials - 1)];
            switch (next(rng) % 3) {
            case 0: doc[at] = c; break;
            case 1: doc.insert(at, 1, c); break;
            default: doc.erase(at, 1 + next(rng) % 4); break;
            }
        }
        doc += xmppcore_bench::xmpp_stream_close;
        const auto o = xmppcore_test::expat_events(doc, false);
        if (o.used_restricted) continue;
        const auto ours = xmppcore_test::run_whole(doc, xml_mode::document);
        bool ascii = true;
        for (const char c : doc) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
        INFO("round " << round << " ours " << xmppcore::to_string(ours.ec) << " @"
                      << ours.error_offset << " expat: " << o.error);
        ++compared;
        if (ours.ec != errc::ok) ++rejected;
        if (ours.ec == errc::ok && !o.well_formed) CHECK(!ascii); // fourth-edition names in expat
        if (ours.ec != errc::ok && o.well_formed)
            CHECK((xmppcore_test::expat_may_accept_what_we_reject(ours.ec) || !ascii));
        if (ours.ec == errc::ok && o.well_formed && ascii) CHECK(ours.canonical == o.log);
    }
    CHECK(compared > 2000);
    CHECK(rejected > 500); // the mutations do break things
}
