// SPDX-License-Identifier: MIT
// The probe's input: what a server sends, and the account's secrets. Included by probe.cpp and
// by empty.cpp, so that tools/size_probe.sh, which reports probe minus empty, counts the
// library and not these bytes: in a real firmware they arrive in the receive buffer (RAM, the
// I/O buffers) and in configuration, not in the image.
#ifndef XMPPCORE_EXAMPLES_EMBEDDED_TRANSCRIPT_HPP
#define XMPPCORE_EXAMPLES_EMBEDDED_TRANSCRIPT_HPP

#include <cstddef>

namespace {

#define PROBE_STREAM_HEADER                                                                        \
    "<?xml version='1.0'?><stream:stream from='example.com' version='1.0' xml:lang='en' "          \
    "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "

// What the server sends, one chunk per client step.
const char* const transcript[] = {
    PROBE_STREAM_HEADER "id='s1'><stream:features><mechanisms "
                        "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</"
                        "mechanism></mechanisms></stream:features>",
    "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1aVzFpWldSa1pXUXRjMkZzZEMwe"
    "E5nPT0saT00MDk2</challenge>",
    "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "dj1ZbkxSUkRnZU1yQTAwZFp2NzB5ZTk4RFR3RWxaN3pMVnp3YVpqV05uWkprPQ==</success>",
    PROBE_STREAM_HEADER "id='s2'><stream:features><bind "
                        "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>"
                        "</stream:features>",
    "<iq id='xc-bind-1' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
    "<jid>alice@example.com/probe</jid></bind></iq>",
    "<message from='bob@example.com/desk' to='alice@example.com/probe' type='chat' id='m1'>"
    "<body>ping</body></message>",
};
constexpr std::size_t transcript_size = sizeof transcript / sizeof transcript[0];

// Read through volatile objects so the compiler cannot fold the login away at build time.
const char* const* volatile transcript_ptr = transcript;
volatile std::size_t transcript_count = transcript_size;
const char* volatile password = "pencil-7";
const char* volatile client_nonce = "fyko+d2lbbFgONRv9qkxdawL";

} // namespace

#endif // XMPPCORE_EXAMPLES_EMBEDDED_TRANSCRIPT_HPP
