import CCurl
import CCurlShim
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One transfer's easy handle and what its callbacks collect: a webhook POST, or an e-mail handed to
/// an SMTP relay. Made on the caller's thread, then read and written only by ``CurlClient``'s thread,
/// which is why it may cross to it unchecked.
final class CurlTransfer: @unchecked Sendable {
    /// What the transfer does.
    enum Job {
        case post(WebhookRequest)
        case mail(MailRequest)
    }

    let job: Job
    let policy: AddressPolicy
    var continuation: CheckedContinuation<Result<WebhookResponse, TransferFailure>, Never>?
    var easy: UnsafeMutableRawPointer?
    var lists: [UnsafeMutablePointer<curl_slist>] = []
    var body: [UInt8] = []
    let maximumResponseBytes: Int
    /// The e-mail being uploaded, and how much of it libcurl has read.
    var upload: [UInt8] = []
    var uploaded = 0
    var retryAfter: String?
    var deniedAddress: String?
    let started = ContinuousClock.now

    init(
        job: Job, policy: AddressPolicy,
        continuation: CheckedContinuation<Result<WebhookResponse, TransferFailure>, Never>
    ) {
        self.job = job
        self.policy = policy
        self.continuation = continuation
        if case .post(let request) = job {
            maximumResponseBytes = request.maximumResponseBytes
        } else {
            maximumResponseBytes = 0
        }
    }

    /// Makes and configures the easy handle.
    func start(userAgent: String, caFile: String?) -> Result<UnsafeMutableRawPointer, TransferFailure> {
        let url: String
        switch job {
        case .post(let request): url = request.url
        case .mail(let mail): url = mail.relay
        }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(.invalidURL("the URL holds spaces, control or non-ASCII characters"))
        }
        guard let easy = curl_easy_init() else { return .failure(.transfer("curl_easy_init failed")) }
        self.easy = easy
        let context = Unmanaged.passUnretained(self).toOpaque()
        vigil_curl_setopt_str(easy, CURLOPT_URL, url)
        vigil_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        vigil_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        vigil_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { vigil_curl_setopt_str(easy, CURLOPT_CAINFO, caFile) }
        vigil_curl_setopt_opensocket_callback(easy, curlOpenSocket, context)
        vigil_curl_setopt_ptr(easy, CURLOPT_PRIVATE, context)
        switch job {
        case .post(let request): configure(easy, post: request, userAgent: userAgent, context: context)
        case .mail(let mail):
            guard MailRequest.isSafeAddress(mail.from), mail.recipients.allSatisfy(MailRequest.isSafeAddress) else {
                return .failure(.invalidURL("an e-mail address holds characters SMTP cannot carry"))
            }
            configure(easy, mail: mail, context: context)
        }
        return .success(easy)
    }

    func configure(
        _ easy: UnsafeMutableRawPointer, post request: WebhookRequest, userAgent: String,
        context: UnsafeMutableRawPointer
    ) {
        vigil_curl_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        vigil_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
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
        if let list { lists.append(list) }
        vigil_curl_setopt_ptr(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))
        vigil_curl_setopt_write_callback(easy, curlWriteBody, context)
        vigil_curl_setopt_header_callback(easy, curlReadHeader, context)
    }

    func configure(_ easy: UnsafeMutableRawPointer, mail: MailRequest, context: UnsafeMutableRawPointer) {
        vigil_curl_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        let milliseconds = Self.milliseconds(mail.timeout)
        vigil_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds)
        vigil_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds)
        let tls = mail.requireTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY
        vigil_curl_setopt_long(easy, CURLOPT_USE_SSL, Int(tls.rawValue))
        vigil_curl_setopt_str(easy, CURLOPT_MAIL_FROM, "<\(mail.from)>")
        var recipients: UnsafeMutablePointer<curl_slist>?
        for r in mail.recipients { recipients = curl_slist_append(recipients, "<\(r)>") }
        if let recipients { lists.append(recipients) }
        vigil_curl_setopt_ptr(easy, CURLOPT_MAIL_RCPT, UnsafeMutableRawPointer(recipients))
        upload = mail.message
        vigil_curl_setopt_long(easy, CURLOPT_UPLOAD, 1)
        vigil_curl_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.count))
        vigil_curl_setopt_read_callback(easy, curlReadUpload, context)
    }

    /// The outcome of a finished transfer from its result code.
    func outcome(_ code: CURLcode) -> Result<WebhookResponse, TransferFailure> {
        var status = 0
        if let easy { vigil_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) }
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            if let deniedAddress { return .failure(.denied(address: deniedAddress)) }
            if case .mail = job, status >= 400 { return .failure(.rejected(code: status, text)) }
            switch code {
            case CURLE_OPERATION_TIMEDOUT: return .failure(.timeout)
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY:
                return .failure(.connect(text))
            case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .failure(.invalidURL(text))
            case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
                CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
                return .failure(.tls(text))
            case CURLE_USE_SSL_FAILED: return .failure(.tls(text))
            default: return .failure(.transfer(text))
            }
        }
        return .success(
            WebhookResponse(status: status, retryAfter: retryAfter, body: body, elapsed: ContinuousClock.now - started))
    }

    /// Frees the handle and answers the caller.
    func release(_ result: Result<WebhookResponse, TransferFailure>) {
        if let easy { curl_easy_cleanup(easy) }
        for list in lists { curl_slist_free_all(list) }
        easy = nil
        lists = []
        finish(result)
    }

    func finish(_ result: Result<WebhookResponse, TransferFailure>) {
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

extension CurlTransfer {
    /// The transfer a data callback's context points at, and the callback's byte count (`size` ×
    /// `count`); nil when there is no context or the count overflows.
    static func of(_ context: UnsafeMutableRawPointer?, _ size: Int, _ count: Int) -> (CurlTransfer, Int)? {
        let (n, overflow) = size.multipliedReportingOverflow(by: count)
        guard let context, !overflow else { return nil }
        return (Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue(), n)
    }
}

/// libcurl's write callback: keeps the body up to the cap and reads the rest away.
func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, case (let transfer, let n)? = CurlTransfer.of(context, size, count) else { return 0 }
    let room = transfer.maximumResponseBytes - transfer.body.count
    if room > 0 {
        transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: min(n, room)))
    }
    return n
}

/// libcurl's read callback: the next part of the e-mail being uploaded.
func curlReadUpload(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let buffer, case (let transfer, let room)? = CurlTransfer.of(context, size, count) else { return 0 }
    let n = min(room, transfer.upload.count - transfer.uploaded)
    guard n > 0 else { return 0 }
    transfer.upload.withUnsafeBytes { bytes in
        guard let base = bytes.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + transfer.uploaded, byteCount: n)
    }
    transfer.uploaded += n
    return n
}

/// libcurl's header callback: notes `Retry-After` (of the last response, when a 1xx came first).
func curlReadHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, case (let transfer, let n)? = CurlTransfer.of(context, size, count) else { return 0 }
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
