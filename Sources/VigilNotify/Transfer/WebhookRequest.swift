/// One HTTP POST a delivery makes: where, with which headers and body, and how long it may take.
public struct WebhookRequest: Sendable {
    public var url: String
    /// Header lines in the order sent (names as written).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// SNS gives a receiver 15 seconds to answer: connecting counts towards it.
    public var connectTimeout: Duration = .seconds(15)
    public var totalTimeout: Duration = .seconds(15)
    /// The most of a response body kept (the rest is read and dropped): an answer is only logged.
    public var maximumResponseBytes = 4096

    public init(url: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What a receiver answered.
public struct WebhookResponse: Sendable, Equatable {
    public let status: Int
    /// The `Retry-After` header of the answer, as sent (a number of seconds or an HTTP date).
    public let retryAfter: String?
    /// The start of the body, up to the request's cap.
    public let body: [UInt8]
    /// From the transfer's start to its end.
    public let elapsed: Duration
}

/// Why a request got no HTTP answer.
public enum TransferFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every address the name resolved to is on the deny list (link-local, cloud metadata, …).
    case denied(address: String)
    /// No connection: the name did not resolve, or the receiver refused or never answered the connect.
    case connect(String)
    /// The receiver took longer than the request's timeout.
    case timeout
    /// The TLS handshake or the certificate check failed.
    case tls(String)
    /// The URL is not one libcurl may fetch (only http and https are allowed).
    case invalidURL(String)
    /// The SMTP relay refused the mail with this reply code (4xx: try again later; 5xx: for good).
    case rejected(code: Int, String)
    /// Anything else libcurl reported.
    case transfer(String)

    public var description: String {
        switch self {
        case .denied(let address): "the destination address \(address) is on the deny list"
        case .connect(let why): "cannot connect: \(why)"
        case .timeout: "the receiver did not answer in time"
        case .tls(let why): "TLS: \(why)"
        case .invalidURL(let why): "invalid URL: \(why)"
        case .rejected(let code, let why): "the relay answered \(code): \(why)"
        case .transfer(let why): why
        }
    }

    /// Whether SNS would try again: every failure but a URL it cannot fetch, a denied address or a
    /// relay's permanent (5xx) refusal.
    public var isRetryable: Bool {
        switch self {
        case .denied, .invalidURL: false
        case .rejected(let code, _): code < 500
        case .connect, .timeout, .tls, .transfer: true
        }
    }
}
