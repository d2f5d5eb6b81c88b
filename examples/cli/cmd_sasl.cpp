// SPDX-License-Identifier: MIT
// `xmppcore sasl scram`: derives the SCRAM stored keys of a password, as a server's account
// database holds them.
#include "cli.hpp"

#include <xmppcore/xmppcore.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace cli {

extern const char* const sasl_help;
const char* const sasl_help =
    "usage: xmppcore sasl scram [--hash sha1|sha256|sha512] --user USER --password PASSWORD\n"
    "                           --salt BASE64 [--iterations N]\n\n"
    "Derives what a server stores for a SCRAM user (RFC 5802 section 3): SaltedPassword is\n"
    "PBKDF2 of the SASLprep'ed password, StoredKey = H(HMAC(SaltedPassword, \"Client Key\")),\n"
    "ServerKey = HMAC(SaltedPassword, \"Server Key\"). Prints them in hex and base64, with the\n"
    "salt and the iteration count (default 4096), and the ClientKey a client may cache.\n\n"
    "  --hash        SCRAM-SHA-1, -256 (default) or -512\n"
    "  --user        the user name (SASLprep'ed and printed as it goes on the wire)\n"
    "  --password    the password (SASLprep'ed as a stored string)\n"
    "  --salt        the salt, base64\n"
    "  --iterations  the PBKDF2 iteration count\n\n"
    "Exit status 0 on success, 1 when the name or password is refused, 2 for usage errors.\n";

namespace {

void print_key(const char* name, const std::uint8_t* p, std::size_t n) {
    char b64[128];
    const auto len = xmppcore::base64_encode(xmppcore::byte_view(p, n), b64, sizeof b64);
    std::printf("%-15s ", name);
    for (std::size_t i = 0; i < n; ++i) std::printf("%02x", p[i]);
    std::printf("\n%-15s %.*s\n", "", static_cast<int>(len.value_or(0)), b64);
}

} // namespace

int run_sasl(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) != "scram")
        return usage("sasl", argc < 2 ? "missing subcommand (scram)" : "unknown subcommand");
    xmppcore::hash_algorithm hash = xmppcore::hash_algorithm::sha256;
    std::string_view user, password, salt_b64;
    bool have_user = false, have_password = false, have_salt = false;
    unsigned long iterations = 4096;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (i + 1 >= argc) return usage("sasl", "option without a value: " + std::string(a));
        const std::string_view v = argv[++i];
        if (a == "--hash") {
            if (v == "sha1")
                hash = xmppcore::hash_algorithm::sha1;
            else if (v == "sha256")
                hash = xmppcore::hash_algorithm::sha256;
            else if (v == "sha512")
                hash = xmppcore::hash_algorithm::sha512;
            else
                return usage("sasl", "--hash takes sha1, sha256 or sha512");
        } else if (a == "--user") {
            user = v;
            have_user = true;
        } else if (a == "--password") {
            password = v;
            have_password = true;
        } else if (a == "--salt") {
            salt_b64 = v;
            have_salt = true;
        } else if (a == "--iterations") {
            char* end = nullptr;
            iterations = std::strtoul(argv[i], &end, 10);
            if (end == argv[i] || *end != '\0' || iterations == 0 || iterations > 0xFFFFFFFFul)
                return usage("sasl", "--iterations takes a positive number");
        } else {
            return usage("sasl", "unknown option: " + std::string(a));
        }
    }
    if (!have_user || !have_password || !have_salt)
        return usage("sasl", "--user, --password and --salt are required");
    std::uint8_t salt[xmppcore::scram_max_salt];
    const auto decoded = xmppcore::base64_decode(salt_b64, salt, sizeof salt);
    if (!decoded || decoded.size == 0)
        return usage("sasl", "--salt is not base64 of 1 to 128 bytes");

    char prepped[1024];
    const auto name = xmppcore::saslprep(user, prepped, sizeof prepped);
    if (!name || *name == 0) {
        std::fprintf(stderr, "xmppcore sasl: user name refused: %s\n",
                     name ? "empty" : xmppcore::to_string(name.error()));
        return rejected;
    }
    xmppcore::scram_stored_keys keys;
    const xmppcore::errc e =
        xmppcore::derive_scram_keys(hash, password, xmppcore::byte_view(salt, decoded.size),
                                    static_cast<std::uint32_t>(iterations), keys);
    if (e != xmppcore::errc::ok) {
        std::fprintf(stderr, "xmppcore sasl: password refused: %s\n", xmppcore::to_string(e));
        return rejected;
    }
    const std::size_t n = xmppcore::digest_size(hash);
    std::printf("%-15s %s\n", "mechanism",
                xmppcore::to_string(xmppcore::scram_mechanism(hash, false)));
    std::string escaped;
    for (const char c : std::string_view(prepped, *name))
        escaped += c == ',' ? "=2C" : c == '=' ? "=3D" : std::string(1, c);
    std::printf("%-15s n=%s\n", "user", escaped.c_str());
    print_key("salt", keys.salt, keys.salt_size);
    std::printf("%-15s %u\n", "iterations", static_cast<unsigned>(keys.iterations));
    // ClientKey for a client's cache: HMAC(SaltedPassword, "Client Key").
    std::uint8_t salted[xmppcore::max_digest_size], client_key[xmppcore::max_digest_size];
    char pw[1024];
    const auto p = xmppcore::saslprep(password, pw, sizeof pw, xmppcore::saslprep_mode::stored);
    xmppcore::default_crypto::pbkdf2(hash, xmppcore::byte_view(pw, p.value_or(0)),
                                     keys.salt_bytes(), keys.iterations, salted, n);
    xmppcore::default_crypto::hmac(hash, xmppcore::byte_view(salted, n), "Client Key", client_key);
    print_key("SaltedPassword", salted, n);
    print_key("ClientKey", client_key, n);
    print_key("StoredKey", keys.stored_key, n);
    print_key("ServerKey", keys.server_key, n);
    xmppcore::secure_wipe(pw, sizeof pw);
    xmppcore::secure_wipe(salted, sizeof salted);
    xmppcore::secure_wipe(client_key, sizeof client_key);
    return success;
}

} // namespace cli
