# SPDX-License-Identifier: MIT
# The POSIX + OpenSSL host of examples/host/ as a static library, xmppcore_posix_tls_host, for the
# CLI's `connect` command and the interop tests. Defined only when OpenSSL's libssl is found;
# included from both examples/ and tests/interop/, whichever comes first defines it.
if(NOT TARGET xmppcore_posix_tls_host)
  find_package(OpenSSL COMPONENTS SSL Crypto)
  if(OPENSSL_FOUND AND TARGET OpenSSL::SSL)
    add_library(xmppcore_posix_tls_host STATIC "${CMAKE_CURRENT_LIST_DIR}/posix_tls_host.cpp")
    target_include_directories(xmppcore_posix_tls_host PUBLIC "${CMAKE_CURRENT_LIST_DIR}")
    target_link_libraries(xmppcore_posix_tls_host PUBLIC xmppcore::xmppcore OpenSSL::SSL
                          OpenSSL::Crypto PRIVATE xmppcore_test_options)
  endif()
endif()
