public import VigilStore

/// One circuit breaker per destination (a receiver's scheme, host and port), as a value: it reads no
/// clock and does no I/O, the delivery engine tells it what happened and when.
///
/// A destination that fails `failureThreshold` times running (no connection, a timeout, a 5xx) opens
/// its circuit: its deliveries are held, not attempted and not counted as attempts, for `cooldown`
/// milliseconds, so one dead receiver cannot fill the engine's slots with 15-second timeouts while the
/// others wait. Then one trial delivery goes (half-open): an answer closes the circuit, a failure
/// opens it again for twice as long, up to `maximumCooldown`. Any HTTP answer below 500 counts as the
/// destination being up (a 4xx is the receiver's verdict on the message, not an outage).
///
/// ```swift
/// var breakers = CircuitBreakers()
/// for _ in 1...5 { breakers.record("http://10.0.0.7:80", failure: "HTTP 503", at: t) }
/// breakers.admits("http://10.0.0.7:80", at: t + 1_000)   // false: open until t + 30 s
/// ```
public struct CircuitBreakers: Sendable, Equatable {
    /// Failures running that open a closed circuit.
    public var failureThreshold = 5
    /// How long a circuit first stays open (ms).
    public var cooldown: Int64 = 30_000
    /// The longest it stays open after failed trials (ms).
    public var maximumCooldown: Int64 = 600_000
    /// Each destination that has failed at least once since its last success.
    public private(set) var destinations: [String: DestinationHealth] = [:]

    public init() {}

    /// Starts from the states a previous run saved (an open circuit stays open across a restart).
    public init(restoring saved: [DestinationHealth]) {
        for d in saved where d.state != .closed || d.failures > 0 { destinations[d.destination] = d }
        for key in destinations.keys { destinations[key]?.trialInFlight = false }
    }

    /// Whether a delivery to `destination` may go now. A half-open circuit admits one trial at a time
    /// (this call marks it in flight); an open one whose cooldown has passed turns half-open.
    public mutating func admits(_ destination: String, at now: Int64) -> Bool {
        guard var d = destinations[destination] else { return true }
        switch d.state {
        case .closed:
            return true
        case .open:
            guard now >= d.retryAt else { return false }
            d.state = .halfOpen
            d.trialInFlight = true
            destinations[destination] = d
            return true
        case .halfOpen:
            guard !d.trialInFlight else { return false }
            d.trialInFlight = true
            destinations[destination] = d
            return true
        }
    }

    /// The destinations whose deliveries are held at `now`: open and cooling down, or half-open with
    /// their trial in flight.
    public func held(at now: Int64) -> Set<String> {
        var out = Set<String>()
        for (key, d) in destinations {
            switch d.state {
            case .closed: break
            case .open: if now < d.retryAt { out.insert(key) }
            case .halfOpen: if d.trialInFlight { out.insert(key) }
            }
        }
        return out
    }

    /// Records an answer from `destination` (`failure` nil) or a failure; the new state when the circuit
    /// opened or closed, for the log and the store.
    @discardableResult
    public mutating func record(_ destination: String, failure: String?, at now: Int64) -> DestinationHealth? {
        guard let failure else {
            guard let d = destinations.removeValue(forKey: destination) else { return nil }
            guard d.state != .closed else { return nil }
            return DestinationHealth(
                destination: destination, state: .closed, failures: 0, cooldown: 0, retryAt: 0, lastError: d.lastError,
                changed: now)
        }
        var d =
            destinations[destination]
            ?? DestinationHealth(
                destination: destination, state: .closed, failures: 0, cooldown: 0, retryAt: 0, lastError: nil,
                changed: now)
        d.failures += 1
        d.lastError = failure
        d.trialInFlight = false
        let opens: Bool
        switch d.state {
        case .closed:
            opens = d.failures >= failureThreshold
            if opens { d.cooldown = cooldown }
        case .halfOpen:
            opens = true
            d.cooldown = min(max(d.cooldown, cooldown) * 2, maximumCooldown)
        case .open:
            // A delivery admitted before the circuit opened failed as well: it stays open as it is.
            opens = false
        }
        if opens {
            d.state = .open
            d.retryAt = now + d.cooldown
            d.changed = now
        }
        destinations[destination] = d
        return opens ? d : nil
    }

    /// Frees a half-open trial that ended without a verdict on the destination (its address was denied,
    /// its URL unusable), so another trial may go.
    public mutating func release(_ destination: String) {
        destinations[destination]?.trialInFlight = false
    }

    /// The destination a webhook URL delivers to: its scheme, host and port, lower case (the port
    /// filled in from the scheme when the URL has none), or the URL itself when it does not parse.
    public static func destination(of url: String) -> String {
        let bytes = Array(url.utf8)
        guard let schemeEnd = indexOf(Array("://".utf8), in: bytes) else { return url }
        let scheme = String(decoding: bytes[..<schemeEnd], as: UTF8.self).lowercased()
        let rest = bytes[(schemeEnd + 3)...]
        let authorityEnd = rest.firstIndex {
            $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
        }
        var authority = String(decoding: rest[..<(authorityEnd ?? rest.endIndex)], as: UTF8.self).lowercased()
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        let hasPort: Bool
        if authority.hasPrefix("[") {
            hasPort = authority.contains("]:")
        } else {
            hasPort = authority.contains(":")
        }
        if !hasPort { authority += scheme == "https" ? ":443" : ":80" }
        return "\(scheme)://\(authority)"
    }

    static func indexOf(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
