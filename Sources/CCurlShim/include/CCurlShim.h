#ifndef VIGIL_CCURL_SHIM_H
#define VIGIL_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot call:
// one non-variadic wrapper per argument type. Each body only forwards to libcurl.

CURLcode vigil_curl_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode vigil_curl_setopt_ptr(CURL *easy, CURLoption option, void *value);
CURLcode vigil_curl_setopt_str(CURL *easy, CURLoption option, const char *value);
CURLcode vigil_curl_setopt_off(CURL *easy, CURLoption option, curl_off_t value);
CURLcode vigil_curl_setopt_write_callback(CURL *easy, size_t (*callback)(char *, size_t, size_t, void *), void *context);
CURLcode vigil_curl_setopt_header_callback(CURL *easy, size_t (*callback)(char *, size_t, size_t, void *), void *context);
CURLcode vigil_curl_setopt_opensocket_callback(
    CURL *easy, curl_socket_t (*callback)(void *, curlsocktype, struct curl_sockaddr *), void *context);
CURLcode vigil_curl_setopt_read_callback(CURL *easy, size_t (*callback)(char *, size_t, size_t, void *), void *context);
CURLcode vigil_curl_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode vigil_curl_getinfo_ptr(CURL *easy, CURLINFO info, void **value);
CURLcode vigil_curl_getinfo_off(CURL *easy, CURLINFO info, curl_off_t *value);
CURLMcode vigil_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

// The socket a denied address gets instead of one (CURL_SOCKET_BAD is a macro).
curl_socket_t vigil_curl_socket_bad(void);
// Opens the socket curl asked for (what curl does when no open-socket callback is set).
curl_socket_t vigil_curl_open_socket(struct curl_sockaddr *address);

#endif
