import CCurl
import CCurlShim
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One POST's easy handle and what its callbacks collect. Made on the caller's thread, then read and
/// written only by ``CurlWebhookClient``'s thread, which is why it may cross to it unchecked.
final class CurlTransfer: @unchecked Sendable {
    let request: WebhookRequest
    let policy: AddressPolicy
    var continuation: CheckedContinuation<Result<WebhookResponse, WebhookFailure>, Never>?
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var body: [UInt8] = []
    var retryAfter: String?
    var deniedAddress: String?
    let started = ContinuousClock.now

    init(
        request: WebhookRequest, policy: AddressPolicy,
        continuation: CheckedContinuation<Result<WebhookResponse, WebhookFailure>, Never>
    ) {
        self.request = request
        self.policy = policy
        self.continuation = continuation
    }

    /// Makes and configures the easy handle.
    func start(userAgent: String, caFile: String?) -> Result<UnsafeMutableRawPointer, WebhookFailure> {
        guard request.url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(.invalidURL("the URL holds spaces, control or non-ASCII characters"))
        }
        guard let easy = curl_easy_init() else { return .failure(.transfer("curl_easy_init failed")) }
        self.easy = easy
        let context = Unmanaged.passUnretained(self).toOpaque()
        vigil_curl_setopt_str(easy, CURLOPT_URL, request.url)
        vigil_curl_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        vigil_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        vigil_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        vigil_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        vigil_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { vigil_curl_setopt_str(easy, CURLOPT_CAINFO, caFile) }
        vigil_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        vigil_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout))
        vigil_curl_setopt_str(easy, CURLOPT_USERAGENT, userAgent)
        vigil_curl_setopt_long(easy, CURLOPT_POST, 1)
        vigil_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
        request.body.withUnsafeBytes { bytes in
            _ = vigil_curl_setopt_ptr(
                easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        }
        // No `Expect: 100-continue` round trip before larger bodies; headers go as given.
        var list = curl_slist_append(nil, "Expect:")
        for header in request.headers where Self.isHeaderSafe(header.name) && Self.isHeaderSafe(header.value) {
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        headerList = list
        vigil_curl_setopt_ptr(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))
        vigil_curl_setopt_write_callback(easy, curlWriteBody, context)
        vigil_curl_setopt_header_callback(easy, curlReadHeader, context)
        vigil_curl_setopt_opensocket_callback(easy, curlOpenSocket, context)
        vigil_curl_setopt_ptr(easy, CURLOPT_PRIVATE, context)
        return .success(easy)
    }

    /// The outcome of a finished transfer from its result code.
    func outcome(_ code: CURLcode) -> Result<WebhookResponse, WebhookFailure> {
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            if let deniedAddress { return .failure(.denied(address: deniedAddress)) }
            switch code {
            case CURLE_OPERATION_TIMEDOUT: return .failure(.timeout)
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY:
                return .failure(.connect(text))
            case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .failure(.invalidURL(text))
            case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
                CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
                return .failure(.tls(text))
            default: return .failure(.transfer(text))
            }
        }
        var status = 0
        if let easy { vigil_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) }
        return .success(
            WebhookResponse(status: status, retryAfter: retryAfter, body: body, elapsed: ContinuousClock.now - started))
    }

    /// Frees the handle and answers the caller.
    func release(_ result: Result<WebhookResponse, WebhookFailure>) {
        if let easy { curl_easy_cleanup(easy) }
        if let headerList { curl_slist_free_all(headerList) }
        easy = nil
        headerList = nil
        finish(result)
    }

    func finish(_ result: Result<WebhookResponse, WebhookFailure>) {
        continuation?.resume(returning: result)
        continuation = nil
    }

    static func milliseconds(_ d: Duration) -> Int {
        let (s, atto) = d.components
        return max(1, Int(clamping: s) &* 1000 &+ Int(atto / 1_000_000_000_000_000))
    }

    /// A header name or value that cannot break the request: no CR, LF or NUL.
    static func isHeaderSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}

/// libcurl's write callback: keeps the body up to the cap and reads the rest away.
func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let (n, overflow) = size.multipliedReportingOverflow(by: count)
    guard let data, let context, !overflow else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let room = transfer.request.maximumResponseBytes - transfer.body.count
    if room > 0 {
        transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: min(n, room)))
    }
    return n
}

/// libcurl's header callback: notes `Retry-After` (of the last response, when a 1xx came first).
func curlReadHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let (n, overflow) = size.multipliedReportingOverflow(by: count)
    guard let data, let context, !overflow else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let line = UnsafeRawBufferPointer(start: data, count: n)
    if line.starts(with: "HTTP/".utf8) {
        transfer.retryAfter = nil
    } else if let colon = line.firstIndex(of: UInt8(ascii: ":")),
        String(decoding: line[..<colon], as: UTF8.self).lowercased() == "retry-after"
    {
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
        transfer.retryAfter = value.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return n
}

/// libcurl's open-socket callback: refuses an address the policy denies before connecting to it.
func curlOpenSocket(
    _ context: UnsafeMutableRawPointer?, _ purpose: curlsocktype, _ address: UnsafeMutablePointer<curl_sockaddr>?
) -> curl_socket_t {
    guard let context, let address else { return vigil_curl_socket_bad() }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let family = address.pointee.family
    let raw = UnsafeMutableRawPointer(address) + (MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr) ?? 0)
    let bytes: [UInt8]
    if family == AF_INET, address.pointee.addrlen >= MemoryLayout<sockaddr_in>.size {
        var a = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
        bytes = withUnsafeBytes(of: &a) { Array($0) }
    } else if family == AF_INET6, address.pointee.addrlen >= MemoryLayout<sockaddr_in6>.size {
        var a = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
        bytes = withUnsafeBytes(of: &a) { Array($0) }
    } else {
        bytes = []
    }
    if bytes.isEmpty || !transfer.policy.permits(bytes) {
        transfer.deniedAddress = bytes.isEmpty ? "of family \(family)" : AddressRange.format(bytes)
        return vigil_curl_socket_bad()
    }
    return vigil_curl_open_socket(address)
}
