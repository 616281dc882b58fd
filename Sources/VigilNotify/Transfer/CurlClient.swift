import CCurl
import CCurlShim
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP(S) POSTs, and e-mails to an SMTP relay, over one libcurl multi handle, driven by a thread of its own (never the cooperative
/// pool): many transfers in flight, at most ``maximumConnectionsPerHost`` connections to one host
/// (more wait inside libcurl), connect and total timeouts, TLS verification on, no redirects followed
/// (a 3xx is an answer like any other), only http and https, response bodies kept up to a cap, and
/// each connection's address checked against an ``AddressPolicy`` just before it is made.
///
/// This is the only type that touches libcurl: a transfer's state lives in a ``CurlTransfer`` that
/// only the client's thread reads and writes once it is submitted.
///
/// ```swift
/// let client = CurlClient()
/// let result = await client.send(WebhookRequest(url: "http://127.0.0.1:9000/hook", headers: [], body: Array("hi".utf8)))
/// client.shutdown()
/// ```
public final class CurlClient: Sendable {
    public static let maximumConnectionsPerHost = 16
    public static let maximumConnections = 512

    let multi: CurlMultiHandle
    let policy: AddressPolicy
    let userAgent: String
    let caFile: String?
    let state = Mutex(ClientState())
    let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)
    let stopped = Mutex(false)

    struct ClientState: ~Copyable {
        var queued: [CurlTransfer] = []
        var stopping = false
    }

    /// `policy` judges every address connected to; `caFile` replaces the system's CA bundle (a test's own CA).
    public init(
        policy: AddressPolicy = .standard, userAgent: String = "Vigil-Notification-Agent", caFile: String? = nil
    ) {
        _ = CurlGlobal.initialized
        multi = CurlMultiHandle()
        self.policy = policy
        self.userAgent = userAgent
        self.caFile = caFile
        vigil_curl_multi_setopt_long(multi.pointer, CURLMOPT_MAX_HOST_CONNECTIONS, Self.maximumConnectionsPerHost)
        vigil_curl_multi_setopt_long(multi.pointer, CURLMOPT_MAX_TOTAL_CONNECTIONS, Self.maximumConnections)
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "vigil-curl"
        thread.start()
    }

    deinit {
        // The thread holds the client until it stops, so this runs after it did.
        curl_multi_cleanup(multi.pointer)
    }

    /// Sends the request; the answer, or why there is none. After ``shutdown()``, fails at once.
    public func send(_ request: WebhookRequest) async -> Result<WebhookResponse, TransferFailure> {
        await run(.post(request))
    }

    /// Hands the e-mail to its relay; the relay's last reply code (250) as the answer's status, or why
    /// it was not accepted. The relay's address is judged by the policy like a webhook's.
    public func send(_ mail: MailRequest) async -> Result<WebhookResponse, TransferFailure> {
        await run(.mail(mail))
    }

    func run(_ job: CurlTransfer.Job) async -> Result<WebhookResponse, TransferFailure> {
        await withCheckedContinuation { continuation in
            let transfer = CurlTransfer(job: job, policy: policy, continuation: continuation)
            let accepted = state.withLock { s -> Bool in
                guard !s.stopping else { return false }
                s.queued.append(transfer)
                return true
            }
            if accepted {
                curl_multi_wakeup(multi.pointer)
            } else {
                continuation.resume(returning: .failure(.transfer("the delivery client has shut down")))
            }
        }
    }

    /// Stops the thread: transfers in flight fail (their deliveries stay in the outbox, to be retried).
    public func shutdown() async {
        let already = stopped.withLock { s -> Bool in
            defer { s = true }
            return s
        }
        if already { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            finished.withLock { $0 = c }
            state.withLock { $0.stopping = true }
            curl_multi_wakeup(multi.pointer)
        }
    }

    func runLoop() {
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        while true {
            let (incoming, stopping) = state.withLock { s -> ([CurlTransfer], Bool) in
                defer { s.queued = [] }
                return (s.queued, s.stopping)
            }
            if stopping {
                for transfer in incoming { transfer.finish(.failure(.transfer("the delivery client has shut down"))) }
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi.pointer, easy)
                    transfer.release(.failure(.transfer("the delivery client has shut down")))
                }
                break
            }
            for transfer in incoming {
                switch transfer.start(userAgent: userAgent, caFile: caFile) {
                case .success(let easy):
                    active[easy] = transfer
                    curl_multi_add_handle(multi.pointer, easy)
                case .failure(let failure):
                    transfer.finish(.failure(failure))
                }
            }
            var running: Int32 = 0
            curl_multi_perform(multi.pointer, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi.pointer, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let transfer = active.removeValue(forKey: easy)
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi.pointer, easy)
                transfer.release(transfer.outcome(code))
            }
            curl_multi_poll(multi.pointer, nil, 0, 1000, nil)
        }
        finished.withLock { c in
            c?.resume()
            c = nil
        }
    }
}

/// libcurl's global set-up, done once before the first handle.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

/// The multi handle: a C pointer only the client's thread uses after it is made (``CurlClient``
/// calls `curl_multi_wakeup` from other threads, which libcurl allows).
final class CurlMultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init() {
        // curl_multi_init fails only when memory is exhausted.
        guard let handle = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        pointer = handle
    }
}
