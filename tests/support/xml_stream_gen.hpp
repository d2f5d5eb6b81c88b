// SPDX-License-Identifier: MIT
// A deterministic, realistic server->client XMPP stream for the XML benchmarks.
#ifndef XMPPCORE_BENCH_XML_STREAM_GEN_HPP
#define XMPPCORE_BENCH_XML_STREAM_GEN_HPP

// What the stream holds, in the proportions of a busy client's session: chat messages (ASCII and
// multi-byte UTF-8 bodies, predefined entities and character references, URLs, pasted logs),
// chat states, receipts and markers, MUC groupchat with delay / stanza-id / occupant-id,
// presence with XEP-0115 caps and vCard-update, MUC presence, PEP notifications (Atom entries,
// avatar metadata, nick, OMEMO device lists, bookmarks), OMEMO messages, MAM results and
// carbons wrapping forwarded messages, pings and other small iqs, disco#info results with a data
// form, roster results and pushes, avatar data (large wrapped base64), stream management
// <r/> and <a h=''/>, and whitespace keepalives between stanzas. Each stanza picks its quote
// style (mostly '), some escape quotes in text as servers differ, and some use prefixes
// (<ps:event xmlns:ps=...>, <muc:x xmlns:muc=...>) besides stream:features and xml:lang.
//
// The stream is left open, as a live one is: it ends after a complete stanza (or keepalive),
// with no </stream:stream>. Append `xmpp_stream_close` for a complete document.
//
// The output depends only on (target_bytes, seed): an own PCG32 generator, integer arithmetic
// and fixed tables, nothing from <random> or the locale.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace xmppcore_bench {

/// The end tag that closes the stream `make_xmpp_stream` leaves open.
inline constexpr std::string_view xmpp_stream_close = "</stream:stream>";

/// Counts kept while generating, for checking parsers against.
struct xmpp_stream_stats {
    std::size_t stanzas = 0;    ///< top-level elements (children of the stream root)
    std::size_t elements = 0;   ///< start tags, the stream root included
    std::size_t keepalives = 0; ///< whitespace runs between stanzas
};

namespace gen_detail {

// PCG32 (XSH RR, O'Neill 2014): 64-bit LCG state, 32-bit output.
class pcg32 {
public:
    explicit pcg32(std::uint64_t seed) {
        next();
        state_ += seed;
        next();
    }
    std::uint32_t next() {
        const std::uint64_t old = state_;
        state_ = old * 6364136223846793005ULL + 1442695040888963407ULL;
        const auto x = static_cast<std::uint32_t>(((old >> 18u) ^ old) >> 27u);
        const auto rot = static_cast<std::uint32_t>(old >> 59u);
        return (x >> rot) | (x << ((32u - rot) & 31u));
    }
    /// Uniform enough in [0, n), n > 0 (multiply-shift).
    std::uint32_t below(std::uint32_t n) {
        return static_cast<std::uint32_t>((std::uint64_t{next()} * n) >> 32u);
    }
    /// In [lo, hi].
    std::uint32_t between(std::uint32_t lo, std::uint32_t hi) { return lo + below(hi - lo + 1u); }
    bool chance(std::uint32_t percent) { return below(100) < percent; }
    template <class T, std::size_t N>
    const T& pick(const T (&a)[N]) {
        return a[below(static_cast<std::uint32_t>(N))];
    }

private:
    std::uint64_t state_ = 0;
};

// ------------------------------------------------------------------------------ vocabulary
inline constexpr const char* words[] = {
    "ok",       "yes",     "no",      "I",        "you",     "we",     "it",       "is",
    "the",      "a",       "to",      "and",      "of",      "in",     "that",     "for",
    "on",       "with",    "this",    "but",      "not",     "have",   "be",       "will",
    "can",      "just",    "think",   "know",     "see",     "what",   "when",     "where",
    "how",      "why",     "there",   "here",     "now",     "later",  "today",    "tonight",
    "tomorrow", "morning", "lunch",   "coffee",   "meeting", "call",   "later?",   "sure",
    "thanks",   "thx",     "lol",     "haha",     "hmm",     "maybe",  "please",   "sorry",
    "server",   "client",  "stream",  "message",  "build",   "deploy", "release",  "branch",
    "patch",    "commit",  "review",  "test",     "tests",   "green",  "red",      "broken",
    "fixed",    "works",   "crash",   "log",      "logs",    "config", "upgrade",  "version",
    "cert",     "TLS",     "DNS",     "port",     "5222",    "5269",   "proxy",    "upload",
    "file",     "photo",   "link",    "room",     "channel", "invite", "join",     "left",
    "back",     "online",  "away",    "busy",     "phone",   "laptop", "train",    "home",
    "office",   "weekend", "holiday", "birthday", "dinner",  "movie",  "game",     "football",
    "weather",  "rain",    "sun",     "cold",     "warm",    "really", "probably", "again",
    "already",  "still",   "soon",    "great",    "nice",    "cool",   "good",     "bad"};

// Multi-byte UTF-8: 2-, 3- and 4-byte sequences, several scripts.
inline constexpr const char* utf8_phrases[] = {"Grüß Gott",
                                               "schöne Grüße",
                                               "déjà vu",
                                               "crème brûlée",
                                               "à plus tard",
                                               "niño",
                                               "São Paulo",
                                               "Kraków",
                                               "Ελληνικά",
                                               "Добрый вечер",
                                               "до завтра",
                                               "спасибо!",
                                               "こんばんは",
                                               "ありがとう",
                                               "また明日",
                                               "谢谢",
                                               "我们明天见",
                                               "没问题",
                                               "안녕하세요",
                                               "שלום",
                                               "مع السلامة",
                                               "हाँ, ठीक है",
                                               "ขอบคุณครับ",
                                               "🙂",
                                               "😂😂",
                                               "🚀",
                                               "👋",
                                               "✔",
                                               "…",
                                               "20 °C",
                                               "±5 %",
                                               "€ 9,99",
                                               "“quoted”",
                                               "naïve",
                                               "Zoë",
                                               "İstanbul",
                                               "Ærø",
                                               "Ωmega",
                                               "→ see above",
                                               "🇩🇪",
                                               "👨‍👩‍👧",
                                               "ℹ️ info",
                                               "½",
                                               "Straße",
                                               "façade"};

// Text with characters that must be escaped (raw here; the writer escapes them).
inline constexpr const char* special_snippets[] = {
    "<3",        "a & b",      "x > y",      "if (a < b && b > c)",
    "R&D",       "<br/>",      "\"quoted\"", "it's",
    "don't",     "AT&T",       "Q&A",        "1 < 2",
    "-> done",   "<message/>", "'single'",   "a&&b || c",
    "p & q & r", "<<EOF",      "x<y>z",      "\"a\" & 'b'"};

// Character references (written as is).
inline constexpr const char* char_refs[] = {"&#169;", "&#xA9;",   "&#8364;", "&#x1F600;",
                                            "&#10;",  "&#x2013;", "&#233;",  "&#38;"};

inline constexpr const char* users[] = {
    "anna",    "bernd", "chloe", "dmitri",  "elif",  "fatima",    "gustav", "hana",
    "ines",    "jonas", "kenji", "lena",    "marco", "nadia",     "oskar",  "priya",
    "quentin", "rosa",  "sven",  "tomasz",  "ulla",  "vikram",    "wen",    "xavier",
    "yusuf",   "zora",  "j.doe", "m_smith", "ops",   "build-bot", "alerts", "noreply"};
inline constexpr const char* domains[] = {"example.com", "im.example.org", "chat.example.net",
                                          "xmpp.example.de", "jabber.example.fr"};
inline constexpr const char* resources[] = {"phone",        "laptop",        "Conversations.Xk3f",
                                            "gajim.8F2KQ1", "Dino.a1b2c3d4", "Monal-iOS.77aa",
                                            "Cheogram.x9",  "profanity",     "Psi+",
                                            "work-desktop", "tablet.5Qw",    "siskin.0f0f"};
inline constexpr const char* rooms[] = {"lounge", "dev",   "ops",  "support", "release-team",
                                        "random", "music", "jdev", "xsf",     "football"};
inline constexpr const char* nicks[] = {
    "Anna", "bernd",   "Chloé",  "Dima", "Elif Ş.",     "fatima", "Gus",    "Hana 花",
    "Ines", "jonas_",  "Kenji",  "Lena", "o'neil",      "Søren",  "Łukasz", "李雷",
    "Zoë",  "Q&A bot", "vikram", "wen",  "\"the\" Xav", "Yusuf",  "zora",   "İlker"};
inline constexpr const char* client_nodes[] = {"https://conversations.im", "https://gajim.org",
                                               "https://dino.im",          "https://monal-im.org/",
                                               "https://cheogram.com",     "http://psi-plus.com"};
inline constexpr const char* groups[] = {
    "Friends", "Family",     "Work",       "Team Ops",
    "Bots",    "University", "Neighbours", "Familie & Freunde"};
inline constexpr const char* features[] = {"http://jabber.org/protocol/caps",
                                           "http://jabber.org/protocol/disco#info",
                                           "http://jabber.org/protocol/disco#items",
                                           "http://jabber.org/protocol/muc",
                                           "http://jabber.org/protocol/chatstates",
                                           "http://jabber.org/protocol/ibb",
                                           "http://jabber.org/protocol/nick+notify",
                                           "jabber:iq:version",
                                           "jabber:iq:last",
                                           "jabber:x:conference",
                                           "jabber:x:oob",
                                           "urn:xmpp:avatar:metadata+notify",
                                           "urn:xmpp:bookmarks:1+notify",
                                           "urn:xmpp:carbons:2",
                                           "urn:xmpp:chat-markers:0",
                                           "urn:xmpp:jingle:1",
                                           "urn:xmpp:jingle:apps:rtp:1",
                                           "urn:xmpp:jingle:apps:rtp:audio",
                                           "urn:xmpp:jingle:apps:rtp:video",
                                           "urn:xmpp:jingle:apps:dtls:0",
                                           "urn:xmpp:jingle:apps:file-transfer:5",
                                           "urn:xmpp:jingle:transports:ice-udp:1",
                                           "urn:xmpp:jingle:transports:s5b:1",
                                           "urn:xmpp:jingle-message:0",
                                           "urn:xmpp:message-correct:0",
                                           "urn:xmpp:message-retract:0",
                                           "urn:xmpp:reactions:0",
                                           "urn:xmpp:receipts",
                                           "urn:xmpp:ping",
                                           "urn:xmpp:time",
                                           "urn:xmpp:idle:1",
                                           "urn:xmpp:sid:0",
                                           "eu.siacs.conversations.axolotl.devicelist+notify"};

inline constexpr char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr char hex_digits[] = "0123456789abcdef";

// ------------------------------------------------------------------------------ the writer
class writer {
public:
    explicit writer(std::uint32_t seed) : rng_(0x786d7070636f7265ULL ^ seed) {}

    std::string out;
    xmpp_stream_stats stats;

    // ---- markup
    void open(std::string_view name) {
        out += '<';
        out += name;
        ++stats.elements;
    }
    // A value that needs no escaping (JIDs, ids, numbers, namespace names, base64).
    void attr(std::string_view name, std::string_view value) {
        out += ' ';
        out += name;
        out += '=';
        out += quote_;
        out += value;
        out += quote_;
    }
    // A value that may hold & < and quotes: escaped for the current quote style.
    void attr_escaped(std::string_view name, std::string_view value) {
        out += ' ';
        out += name;
        out += '=';
        out += quote_;
        for (const char c : value) {
            switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '\'':
                if (quote_ == '\'')
                    out += "&apos;";
                else
                    out += c;
                break;
            case '"':
                if (quote_ == '"')
                    out += "&quot;";
                else
                    out += c;
                break;
            default: out += c;
            }
        }
        out += quote_;
    }
    void gt() { out += '>'; }
    void empty() { out += "/>"; }
    void close(std::string_view name) {
        out += "</";
        out += name;
        out += '>';
    }
    // <name xmlns='ns'/>
    void ns_empty(std::string_view name, std::string_view ns) {
        open(name);
        attr("xmlns", ns);
        empty();
    }
    // <name>raw</name>, raw already escaped
    void leaf(std::string_view name, std::string_view raw) {
        open(name);
        gt();
        out += raw;
        close(name);
    }
    // Character data, escaped the way the current stanza's server does.
    void text(std::string_view s) {
        for (const char c : s) {
            switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"':
                if (escape_quotes_)
                    out += "&quot;";
                else
                    out += c;
                break;
            case '\'':
                if (escape_quotes_)
                    out += "&apos;";
                else
                    out += c;
                break;
            default: out += c;
            }
        }
    }

    // ---- values
    std::string hex(std::size_t n) {
        std::string s(n, '0');
        for (char& c : s) c = hex_digits[rng_.below(16)];
        return s;
    }
    std::string alnum(std::size_t n) {
        std::string s(n, 'a');
        for (char& c : s) c = base64_alphabet[rng_.below(62)];
        return s;
    }
    // Base64 of `raw` bytes: 4 * ceil(raw / 3) characters with the right padding.
    std::string base64(std::size_t raw) {
        const std::size_t groups3 = (raw + 2) / 3;
        std::string s(groups3 * 4, 'A');
        for (char& c : s) c = base64_alphabet[rng_.below(64)];
        if (raw % 3 == 1) s[s.size() - 2] = s[s.size() - 1] = '=';
        if (raw % 3 == 2) s[s.size() - 1] = '=';
        return s;
    }
    std::string uuid() {
        return hex(8) + '-' + hex(4) + "-4" + hex(3) + '-' + "89ab"[rng_.below(4)] + hex(3) + '-' +
               hex(12);
    }
    std::string stanza_id() { return rng_.chance(55) ? uuid() : alnum(rng_.between(8, 20)); }
    std::string num(std::uint32_t lo, std::uint32_t hi) {
        return std::to_string(rng_.between(lo, hi));
    }
    std::string bare() { return std::string(rng_.pick(users)) + '@' + rng_.pick(domains); }
    std::string full() { return bare() + '/' + rng_.pick(resources); }
    std::string room() { return std::string(rng_.pick(rooms)) + "@conference.example.org"; }
    std::string occupant(const std::string& room_jid) {
        return room_jid + '/' + std::string(rng_.pick(nicks));
    }
    // ISO 8601 UTC, sometimes with milliseconds.
    std::string stamp() {
        std::string s = "2024-";
        two(s, rng_.between(1, 12));
        s += '-';
        two(s, rng_.between(1, 28));
        s += 'T';
        two(s, rng_.below(24));
        s += ':';
        two(s, rng_.below(60));
        s += ':';
        two(s, rng_.below(60));
        if (rng_.chance(60)) {
            s += '.';
            s += static_cast<char>('0' + rng_.below(10));
            two(s, rng_.below(100));
        }
        s += 'Z';
        return s;
    }

    // Body-like text of about `n` words.
    void chat_text(std::uint32_t n) {
        for (std::uint32_t i = 0; i < n; ++i) {
            if (i) out += rng_.chance(4) ? '\n' : ' ';
            const std::uint32_t k = rng_.below(100);
            if (k < 72)
                text(rng_.pick(words));
            else if (k < 88)
                text(rng_.pick(utf8_phrases));
            else if (k < 94)
                text(rng_.pick(special_snippets));
            else if (k < 96)
                out += rng_.pick(char_refs);
            else {
                out += "https://";
                out += rng_.pick(domains);
                out += '/';
                out += alnum(rng_.between(3, 14));
                if (rng_.chance(50)) {
                    out += "?id=";
                    out += alnum(6);
                    out += "&amp;ref=xmpp";
                }
            }
        }
        if (rng_.chance(35)) out += "!?."[rng_.below(3)];
    }
    std::uint32_t body_words() {
        const std::uint32_t k = rng_.below(1000);
        if (k < 560) return rng_.between(1, 10);
        if (k < 880) return rng_.between(10, 50);
        if (k < 985) return rng_.between(50, 250);
        return rng_.between(250, 1200); // pasted logs and long rants
    }
    void body() {
        open("body");
        gt();
        chat_text(body_words());
        close("body");
    }

    // ---- stanzas
    void begin_stanza() {
        quote_ = rng_.chance(75) ? '\'' : '"';
        escape_quotes_ = rng_.chance(40);
        ++stats.stanzas;
    }

    void chat_message() {
        open("message");
        attr("from", full());
        attr("to", full());
        attr("type", "chat");
        attr("id", stanza_id());
        if (rng_.chance(25)) attr("xml:lang", rng_.chance(70) ? "en" : "de");
        gt();
        body();
        if (rng_.chance(55)) ns_empty("active", "http://jabber.org/protocol/chatstates");
        if (rng_.chance(65)) {
            open("origin-id");
            attr("xmlns", "urn:xmpp:sid:0");
            attr("id", uuid());
            empty();
        }
        if (rng_.chance(50)) ns_empty("request", "urn:xmpp:receipts");
        if (rng_.chance(45)) ns_empty("markable", "urn:xmpp:chat-markers:0");
        if (rng_.chance(8)) leaf("thread", hex(32));
        if (rng_.chance(5)) {
            open("replace");
            attr("xmlns", "urn:xmpp:message-correct:0");
            attr("id", stanza_id());
            empty();
        }
        if (rng_.chance(4)) {
            open("reactions");
            attr("xmlns", "urn:xmpp:reactions:0");
            attr("id", uuid());
            gt();
            leaf("reaction", rng_.chance(50) ? "👍" : "❤️");
            close("reactions");
        }
        if (rng_.chance(80)) {
            open("stanza-id");
            attr("xmlns", "urn:xmpp:sid:0");
            attr("by", bare());
            attr("id", uuid());
            empty();
        }
        close("message");
    }

    void chat_state() {
        static constexpr const char* states[] = {"composing", "paused", "active", "inactive",
                                                 "gone"};
        open("message");
        attr("from", full());
        attr("to", full());
        attr("type", "chat");
        if (rng_.chance(60)) attr("id", stanza_id());
        gt();
        ns_empty(rng_.pick(states), "http://jabber.org/protocol/chatstates");
        if (rng_.chance(40)) ns_empty("no-store", "urn:xmpp:hints");
        close("message");
    }

    void receipt() {
        open("message");
        attr("from", full());
        attr("to", full());
        attr("id", stanza_id());
        gt();
        const std::uint32_t k = rng_.below(3);
        open(k == 0 ? "received" : k == 1 ? "displayed" : "acknowledged");
        attr("xmlns", k == 0 ? "urn:xmpp:receipts" : "urn:xmpp:chat-markers:0");
        attr("id", stanza_id());
        empty();
        if (rng_.chance(50)) ns_empty("store", "urn:xmpp:hints");
        close("message");
    }

    void muc_message() {
        const std::string r = room();
        open("message");
        attr_escaped("from", occupant(r));
        attr("to", full());
        attr("type", "groupchat");
        attr("id", stanza_id());
        if (rng_.chance(15)) attr("xml:lang", "en");
        gt();
        if (rng_.chance(3)) {
            open("subject");
            gt();
            text("Release planning & triage: see https://example.org/wiki?a=1&b=2");
            close("subject");
        } else {
            body();
        }
        if (rng_.chance(45)) {
            open("delay");
            attr("xmlns", "urn:xmpp:delay");
            attr("from", r);
            attr("stamp", stamp());
            empty();
        }
        if (rng_.chance(8)) {
            open("x");
            attr("xmlns", "jabber:x:oob");
            gt();
            open("url");
            gt();
            out += "https://upload.example.org/";
            out += alnum(32);
            out += "/IMG_2024";
            out += num(1000, 9999);
            out += ".jpg";
            close("url");
            close("x");
        }
        if (rng_.chance(8)) {
            open("reply");
            attr("xmlns", "urn:xmpp:reply:0");
            attr_escaped("to", occupant(r));
            attr("id", uuid());
            empty();
        }
        open("stanza-id");
        attr("xmlns", "urn:xmpp:sid:0");
        attr("by", r);
        attr("id", uuid());
        empty();
        if (rng_.chance(60)) {
            open("occupant-id");
            attr("xmlns", "urn:xmpp:occupant-id:0");
            attr("id", base64(32));
            empty();
        }
        close("message");
    }

    void caps() {
        open("c");
        attr("xmlns", "http://jabber.org/protocol/caps");
        attr("hash", "sha-1");
        attr("node", rng_.pick(client_nodes));
        attr("ver", base64(20));
        empty();
    }

    void presence() {
        static constexpr const char* shows[] = {"away", "chat", "dnd", "xa"};
        open("presence");
        attr("from", full());
        attr("to", rng_.chance(70) ? bare() : full());
        if (rng_.chance(35)) attr("id", stanza_id());
        if (rng_.chance(6)) {
            attr("type", "unavailable");
            empty();
            return;
        }
        gt();
        if (rng_.chance(35)) leaf("show", rng_.pick(shows));
        if (rng_.chance(35)) {
            open("status");
            gt();
            chat_text(rng_.between(1, 9));
            close("status");
        }
        if (rng_.chance(55)) leaf("priority", num(0, 127));
        caps();
        if (rng_.chance(70)) {
            open("x");
            attr("xmlns", "vcard-temp:x:update");
            gt();
            open("photo");
            if (rng_.chance(90)) {
                gt();
                out += hex(40);
                close("photo");
            } else {
                empty(); // no avatar
            }
            close("x");
        }
        if (rng_.chance(20)) {
            open("idle");
            attr("xmlns", "urn:xmpp:idle:1");
            attr("since", stamp());
            empty();
        }
        if (rng_.chance(10)) {
            open("delay");
            attr("xmlns", "urn:xmpp:delay");
            attr("from", bare());
            attr("stamp", stamp());
            empty();
        }
        close("presence");
    }

    void muc_presence() {
        static constexpr const char* affiliations[] = {"none", "member", "member", "admin",
                                                       "owner"};
        static constexpr const char* roles[] = {"visitor", "participant", "participant",
                                                "moderator"};
        const std::string r = room();
        const bool prefixed = rng_.chance(10);
        open("presence");
        attr_escaped("from", occupant(r));
        attr("to", full());
        if (rng_.chance(50)) attr("id", stanza_id());
        gt();
        caps();
        open(prefixed ? "muc:x" : "x");
        attr(prefixed ? "xmlns:muc" : "xmlns", "http://jabber.org/protocol/muc#user");
        gt();
        open(prefixed ? "muc:item" : "item");
        attr("affiliation", rng_.pick(affiliations));
        attr("role", rng_.pick(roles));
        if (rng_.chance(50)) attr("jid", full());
        empty();
        if (rng_.chance(10)) {
            open(prefixed ? "muc:status" : "status");
            attr("code", "110");
            empty();
        }
        close(prefixed ? "muc:x" : "x");
        if (rng_.chance(60)) {
            open("occupant-id");
            attr("xmlns", "urn:xmpp:occupant-id:0");
            attr("id", base64(32));
            empty();
        }
        close("presence");
    }

    void pep_event() {
        const std::string from = bare();
        const bool prefixed = rng_.chance(30);
        const std::string ev = prefixed ? "ps:event" : "event";
        const std::string items = prefixed ? "ps:items" : "items";
        const std::string item = prefixed ? "ps:item" : "item";
        open("message");
        attr("from", from);
        attr("to", full());
        attr("type", "headline");
        if (rng_.chance(70)) attr("id", stanza_id());
        gt();
        open(ev);
        attr(prefixed ? "xmlns:ps" : "xmlns", "http://jabber.org/protocol/pubsub#event");
        gt();
        open(items);
        const std::uint32_t k = rng_.below(100);
        if (k < 25) { // microblog: an Atom entry
            attr("node", "urn:xmpp:microblog:0");
            gt();
            open(item);
            attr("id", uuid());
            attr("publisher", from);
            gt();
            open("entry");
            attr("xmlns", "http://www.w3.org/2005/Atom");
            gt();
            open("title");
            attr("type", "text");
            gt();
            chat_text(rng_.between(2, 12));
            close("title");
            open("author");
            gt();
            open("name");
            gt();
            text(rng_.pick(nicks));
            close("name");
            leaf("uri", "xmpp:" + from);
            close("author");
            open("content");
            attr("type", "text");
            gt();
            chat_text(rng_.between(15, 300));
            close("content");
            open("link");
            attr("rel", "alternate");
            attr("type", "text/html");
            attr("href", "https://blog.example.org/" + alnum(12) + "?lang=en&amp;utm=xmpp");
            empty();
            open("link");
            attr("rel", "replies");
            attr("title", "comments");
            attr("href", "xmpp:pubsub.example.org?;node=urn:xmpp:microblog:0:comments/" + uuid());
            empty();
            leaf("id", "tag:" + from + ",2024:posts-" + uuid());
            leaf("published", stamp());
            leaf("updated", stamp());
            close("entry");
            close(item);
        } else if (k < 45) { // avatar metadata
            attr("node", "urn:xmpp:avatar:metadata");
            gt();
            const std::string sha = hex(40);
            open(item);
            attr("id", sha);
            gt();
            open("metadata");
            attr("xmlns", "urn:xmpp:avatar:metadata");
            gt();
            open("info");
            attr("bytes", num(1500, 80000));
            attr("id", sha);
            attr("height", "256");
            attr("width", "256");
            attr("type", rng_.chance(70) ? "image/png" : "image/jpeg");
            empty();
            close("metadata");
            close(item);
        } else if (k < 60) { // nick
            attr("node", "http://jabber.org/protocol/nick");
            gt();
            open(item);
            attr("id", "current");
            gt();
            open("nick");
            attr("xmlns", "http://jabber.org/protocol/nick");
            gt();
            text(rng_.pick(nicks));
            close("nick");
            close(item);
        } else if (k < 82) { // OMEMO device list
            attr("node", "eu.siacs.conversations.axolotl.devicelist");
            gt();
            open(item);
            attr("id", "current");
            gt();
            open("list");
            attr("xmlns", "eu.siacs.conversations.axolotl");
            gt();
            for (std::uint32_t i = 0, n = rng_.between(1, 7); i < n; ++i) {
                open("device");
                attr("id", num(10000, 2147483647));
                if (rng_.chance(20)) attr_escaped("label", rng_.pick(resources));
                empty();
            }
            close("list");
            close(item);
        } else { // bookmarks (XEP-0402)
            const std::string r = room();
            attr("node", "urn:xmpp:bookmarks:1");
            gt();
            open(item);
            attr("id", r);
            gt();
            open("conference");
            attr("xmlns", "urn:xmpp:bookmarks:1");
            attr_escaped("name", "The " + r.substr(0, r.find('@')) + " room & friends");
            attr("autojoin", rng_.chance(60) ? "true" : "false");
            gt();
            open("nick");
            gt();
            text(rng_.pick(nicks));
            close("nick");
            close("conference");
            close(item);
        }
        close(items);
        close(ev);
        if (rng_.chance(25)) {
            open("addresses");
            attr("xmlns", "http://jabber.org/protocol/address");
            gt();
            open("address");
            attr("type", "replyto");
            attr("jid", full());
            empty();
            close("addresses");
        }
        close("message");
    }

    void omemo_message() {
        open("message");
        attr("from", full());
        attr("to", full());
        attr("type", "chat");
        attr("id", stanza_id());
        gt();
        open("encrypted");
        attr("xmlns", "eu.siacs.conversations.axolotl");
        gt();
        open("header");
        attr("sid", num(10000, 2147483647));
        gt();
        for (std::uint32_t i = 0, n = rng_.between(1, 6); i < n; ++i) {
            open("key");
            if (rng_.chance(15)) attr("prekey", "true");
            attr("rid", num(10000, 2147483647));
            gt();
            out += base64(rng_.chance(15) ? 220 : 74);
            close("key");
        }
        leaf("iv", base64(12));
        close("header");
        leaf("payload", base64(rng_.between(16, 500)));
        close("encrypted");
        ns_empty("request", "urn:xmpp:receipts");
        ns_empty("markable", "urn:xmpp:chat-markers:0");
        open("encryption");
        attr("xmlns", "urn:xmpp:eme:0");
        attr("name", "OMEMO");
        attr("namespace", "eu.siacs.conversations.axolotl");
        empty();
        open("body");
        gt();
        text("I sent you an OMEMO encrypted message but your client doesn't seem to support "
             "that. Find more information on https://conversations.im/omemo");
        close("body");
        ns_empty("store", "urn:xmpp:hints");
        close("message");
    }

    // A message forwarded inside MAM results and carbons.
    void forwarded_message() {
        open("forwarded");
        attr("xmlns", "urn:xmpp:forward:0");
        gt();
        if (rng_.chance(80)) {
            open("delay");
            attr("xmlns", "urn:xmpp:delay");
            attr("stamp", stamp());
            empty();
        }
        open("message");
        attr("xmlns", "jabber:client");
        attr("from", full());
        attr("to", full());
        attr("type", "chat");
        attr("id", stanza_id());
        gt();
        body();
        if (rng_.chance(50)) {
            open("origin-id");
            attr("xmlns", "urn:xmpp:sid:0");
            attr("id", uuid());
            empty();
        }
        if (rng_.chance(30)) ns_empty("markable", "urn:xmpp:chat-markers:0");
        close("message");
        close("forwarded");
    }

    void mam_result() {
        open("message");
        attr("to", full());
        if (rng_.chance(50)) attr("id", stanza_id());
        gt();
        open("result");
        attr("xmlns", "urn:xmpp:mam:2");
        attr("queryid", alnum(12));
        attr("id", uuid());
        gt();
        forwarded_message();
        close("result");
        close("message");
    }

    void carbon() {
        const std::string me = bare();
        open("message");
        attr("from", me);
        attr("to", me + '/' + rng_.pick(resources));
        attr("type", "chat");
        gt();
        const bool sent = rng_.chance(50);
        open(sent ? "sent" : "received");
        attr("xmlns", "urn:xmpp:carbons:2");
        gt();
        forwarded_message();
        close(sent ? "sent" : "received");
        close("message");
    }

    void small_iq() {
        const std::uint32_t k = rng_.below(100);
        open("iq");
        if (k < 45) {
            attr("from", rng_.pick(domains));
            attr("to", full());
            attr("id", stanza_id());
            attr("type", "get");
            gt();
            ns_empty("ping", "urn:xmpp:ping");
            close("iq");
        } else if (k < 80) {
            attr("from", full());
            attr("to", full());
            attr("id", stanza_id());
            attr("type", "result");
            empty();
        } else if (k < 92) {
            attr("from", full());
            attr("to", full());
            attr("id", stanza_id());
            attr("type", "result");
            gt();
            open("time");
            attr("xmlns", "urn:xmpp:time");
            gt();
            leaf("tzo", rng_.chance(50) ? "+01:00" : "-05:00");
            leaf("utc", stamp());
            close("time");
            close("iq");
        } else {
            attr("from", full());
            attr("to", full());
            attr("id", stanza_id());
            attr("type", "result");
            gt();
            open("query");
            attr("xmlns", "jabber:iq:version");
            gt();
            leaf("name", rng_.chance(50) ? "Gajim" : "Conversations");
            leaf("version", num(1, 2) + '.' + num(0, 20) + '.' + num(0, 9));
            leaf("os", rng_.chance(50) ? "Linux" : "Android 14");
            close("query");
            close("iq");
        }
    }

    void disco_info() {
        open("iq");
        attr("from", full());
        attr("to", full());
        attr("id", stanza_id());
        attr("type", "result");
        gt();
        open("query");
        attr("xmlns", "http://jabber.org/protocol/disco#info");
        attr("node", std::string(rng_.pick(client_nodes)) + '#' + base64(20));
        gt();
        open("identity");
        attr("category", "client");
        attr("type", rng_.chance(50) ? "phone" : "pc");
        attr_escaped("name", rng_.chance(50) ? "Conversations 2.16" : "Gajim & Co");
        if (rng_.chance(30)) attr("xml:lang", "en");
        empty();
        for (const char* f : features) {
            if (!rng_.chance(80)) continue;
            open("feature");
            attr("var", f);
            empty();
        }
        if (rng_.chance(40)) { // XEP-0232 software information form
            open("x");
            attr("xmlns", "jabber:x:data");
            attr("type", "result");
            gt();
            static constexpr const char* vars[] = {"FORM_TYPE", "software", "software_version",
                                                   "os", "os_version"};
            for (std::size_t i = 0; i < 5; ++i) {
                open("field");
                attr("var", vars[i]);
                if (i == 0) attr("type", "hidden");
                gt();
                leaf("value", i == 0 ? "urn:xmpp:dataforms:softwareinfo" : "v" + hex(6));
                close("field");
            }
            close("x");
        }
        close("query");
        close("iq");
    }

    void roster_item() {
        static constexpr const char* subs[] = {"both", "both", "both", "both",
                                               "to",   "from", "none"};
        open("item");
        attr("jid", bare());
        attr("subscription", rng_.pick(subs));
        if (rng_.chance(80)) attr_escaped("name", rng_.pick(nicks));
        if (rng_.chance(5)) attr("ask", "subscribe");
        if (rng_.chance(70)) {
            gt();
            for (std::uint32_t g = 0, n = rng_.between(1, 2); g < n; ++g) {
                open("group");
                gt();
                text(rng_.pick(groups));
                close("group");
            }
            close("item");
        } else {
            empty();
        }
    }

    void roster(bool push) {
        open("iq");
        if (push) attr("from", bare());
        attr("to", full());
        attr("id", stanza_id());
        attr("type", push ? "set" : "result");
        gt();
        open("query");
        attr("xmlns", "jabber:iq:roster");
        attr("ver", "v" + num(1, 99999));
        gt();
        for (std::uint32_t i = 0, n = push ? 1 : rng_.between(40, 350); i < n; ++i) roster_item();
        close("query");
        close("iq");
    }

    void avatar_data() {
        open("iq");
        attr("from", bare());
        attr("to", full());
        attr("id", stanza_id());
        attr("type", "result");
        gt();
        open("pubsub");
        attr("xmlns", "http://jabber.org/protocol/pubsub");
        gt();
        open("items");
        attr("node", "urn:xmpp:avatar:data");
        gt();
        open("item");
        attr("id", hex(40));
        gt();
        open("data");
        attr("xmlns", "urn:xmpp:avatar:data");
        gt();
        const std::string b = base64(rng_.between(3000, 45000));
        const bool wrap = rng_.chance(60); // some clients wrap at 76 columns
        for (std::size_t i = 0; i < b.size(); i += 76) {
            if (wrap && i) out += '\n';
            out.append(b, i, 76);
        }
        close("data");
        close("item");
        close("items");
        close("pubsub");
        close("iq");
    }

    void stream_management() {
        if (rng_.chance(40)) {
            ns_empty("r", "urn:xmpp:sm:3");
        } else {
            open("a");
            attr("xmlns", "urn:xmpp:sm:3");
            attr("h", num(1, 250000));
            empty();
        }
    }

    void header() {
        out += "<?xml version='1.0'?>";
        open("stream:stream");
        attr("xmlns", "jabber:client");
        attr("xmlns:stream", "http://etherx.jabber.org/streams");
        attr("id", uuid());
        attr("from", "example.com");
        attr("to", "anna@example.com");
        attr("version", "1.0");
        attr("xml:lang", "en");
        gt();
        // After the restart that follows resource binding's negotiation: features, bind.
        begin_stanza();
        out += "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
               "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
               "<sm xmlns='urn:xmpp:sm:3'/><csi xmlns='urn:xmpp:csi:0'/>"
               "<ver xmlns='urn:xmpp:features:rosterver'/></stream:features>";
        stats.elements += 7;
        begin_stanza();
        open("iq");
        attr("id", uuid());
        attr("type", "result");
        gt();
        open("bind");
        attr("xmlns", "urn:ietf:params:xml:ns:xmpp-bind");
        gt();
        leaf("jid", "anna@example.com/" + std::string(resources[2]));
        close("bind");
        close("iq");
        begin_stanza();
        roster(false);
    }

    void keepalive() {
        out += rng_.chance(60) ? " " : "\n";
        ++stats.keepalives;
    }

    pcg32& rng() { return rng_; }

private:
    static void two(std::string& s, std::uint32_t v) {
        s += static_cast<char>('0' + v / 10 % 10);
        s += static_cast<char>('0' + v % 10);
    }

    pcg32 rng_;
    char quote_ = '\'';
    bool escape_quotes_ = false;
};

} // namespace gen_detail

/// One server->client XMPP stream of at least `target_bytes` bytes (it stops after the stanza
/// that reaches the target), the same bytes for the same (target_bytes, seed) everywhere. The
/// stream is not closed; see `xmpp_stream_close`. `stats`, when given, receives the counts.
inline std::string make_xmpp_stream(std::size_t target_bytes, std::uint32_t seed,
                                    xmpp_stream_stats* stats = nullptr) {
    using gen_detail::writer;
    struct kind {
        std::uint32_t weight; // per mille of stanzas
        void (*emit)(writer&);
    };
    static constexpr kind kinds[] = {
        {270, [](writer& w) { w.chat_message(); }}, {70, [](writer& w) { w.chat_state(); }},
        {55, [](writer& w) { w.receipt(); }},       {165, [](writer& w) { w.muc_message(); }},
        {130, [](writer& w) { w.presence(); }},     {60, [](writer& w) { w.muc_presence(); }},
        {55, [](writer& w) { w.pep_event(); }},     {45, [](writer& w) { w.omemo_message(); }},
        {40, [](writer& w) { w.mam_result(); }},    {25, [](writer& w) { w.carbon(); }},
        {50, [](writer& w) { w.small_iq(); }},      {8, [](writer& w) { w.disco_info(); }},
        {2, [](writer& w) { w.roster(false); }},    {3, [](writer& w) { w.roster(true); }},
        {2, [](writer& w) { w.avatar_data(); }},    {20, [](writer& w) { w.stream_management(); }},
    };
    std::uint32_t total = 0;
    for (const kind& k : kinds) total += k.weight;

    writer w(seed);
    w.out.reserve(target_bytes + 64 * 1024);
    w.header();
    while (w.out.size() < target_bytes) {
        std::uint32_t x = w.rng().below(total);
        std::size_t i = 0;
        while (x >= kinds[i].weight) x -= kinds[i++].weight;
        w.begin_stanza();
        kinds[i].emit(w);
        if (w.rng().chance(3)) w.keepalive();
    }
    if (stats) *stats = w.stats;
    return std::move(w.out);
}

/// The big-token probe: the stream header, then one stanza whose start tag holds a base64
/// attribute value of `value_bytes` bytes (`<message ... data='...'/>`); the stream stays open.
inline std::string make_big_attribute_stream(std::size_t value_bytes, std::uint32_t seed) {
    gen_detail::pcg32 rng(seed);
    std::string s = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                    "xmlns:stream='http://etherx.jabber.org/streams' from='example.com' "
                    "version='1.0'><message to='anna@example.com' data='";
    s.reserve(s.size() + value_bytes + 8);
    for (std::size_t i = 0; i < value_bytes; ++i) s += gen_detail::base64_alphabet[rng.below(64)];
    s += "'/>";
    return s;
}

} // namespace xmppcore_bench

#endif // XMPPCORE_BENCH_XML_STREAM_GEN_HPP
