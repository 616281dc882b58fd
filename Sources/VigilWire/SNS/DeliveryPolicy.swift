import Foundation
import VigilPatterns

/// SNS's HTTP/S delivery policy: when to retry a delivery that failed, in four phases (no delay,
/// pre-backoff at the minimum delay, backoff from the minimum to the maximum delay, post-backoff at the
/// maximum), and how many deliveries a subscriber takes per second.
///
/// Without a policy, SNS's default: 3 retries, 20 seconds apart. A subscription's policy wins over its
/// topic's (`http`/`https` member of the topic's `DeliveryPolicy`), and both over the default.
public struct DeliveryPolicy: Sendable, Equatable {
    public var minDelayTarget = 20
    public var maxDelayTarget = 20
    public var numRetries = 3
    public var numNoDelayRetries = 0
    public var numMinDelayRetries = 0
    public var numMaxDelayRetries = 0
    public var backoffFunction = Backoff.linear
    /// `throttlePolicy.maxReceivesPerSecond`: none means no throttling.
    public var maxReceivesPerSecond: Int?

    /// SNS's limits: at most 100 retries, delays of at most 3,600 s, and a whole policy of at most 3,600 s.
    public static let maximumRetries = 100
    public static let maximumSeconds = 3600

    /// How delays grow across the backoff phase (docs/notifications.md gives the curves Vigil uses).
    public enum Backoff: String, Sendable, CaseIterable {
        case linear, arithmetic, geometric, exponential
    }

    public static let standard = DeliveryPolicy()

    public init() {}

    /// Why a policy is refused: SNS's InvalidParameter message.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The policy of a subscription's `DeliveryPolicy` attribute (`{"healthyRetryPolicy":{…},"throttlePolicy":{…}}`),
    /// or of a topic's (`{"http":{"defaultHealthyRetryPolicy":{…},…}}`).
    public init(json text: String) throws(Invalid) {
        guard let root = try? JSONValue(parsing: Array(text.utf8)), case .object = root else {
            throw Invalid(description: "DeliveryPolicy: the policy is not a JSON object")
        }
        let scope = root["http"] ?? root["https"] ?? root
        let retry = scope["healthyRetryPolicy"] ?? scope["defaultHealthyRetryPolicy"] ?? .object(JSONObject())
        func int(_ name: String, _ object: JSONValue) throws(Invalid) -> Int? {
            guard let value = object[name] else { return nil }
            guard case .number(let text) = value, let d = Double(text), let i = Int(exactly: d) else {
                throw Invalid(description: "DeliveryPolicy: \(name) must be a whole number")
            }
            return i
        }
        var p = DeliveryPolicy()
        p.minDelayTarget = try int("minDelayTarget", retry) ?? p.minDelayTarget
        p.maxDelayTarget = try int("maxDelayTarget", retry) ?? p.maxDelayTarget
        p.numRetries = try int("numRetries", retry) ?? p.numRetries
        p.numNoDelayRetries = try int("numNoDelayRetries", retry) ?? 0
        p.numMinDelayRetries = try int("numMinDelayRetries", retry) ?? 0
        p.numMaxDelayRetries = try int("numMaxDelayRetries", retry) ?? 0
        if let b = retry["backoffFunction"] {
            guard case .string(let name) = b, let backoff = Backoff(rawValue: name.lowercased()) else {
                throw Invalid(
                    description:
                        "DeliveryPolicy: backoffFunction must be one of linear, arithmetic, geometric, exponential")
            }
            p.backoffFunction = backoff
        }
        let throttle = scope["throttlePolicy"] ?? scope["defaultThrottlePolicy"]
        if let throttle { p.maxReceivesPerSecond = try int("maxReceivesPerSecond", throttle) }
        try p.validate()
        self = p
    }

    /// SNS's rules for a policy.
    public func validate() throws(Invalid) {
        func fail(_ why: String) -> Invalid { Invalid(description: "DeliveryPolicy: \(why)") }
        guard minDelayTarget >= 1 else { throw fail("minDelayTarget must be at least 1") }
        guard maxDelayTarget >= minDelayTarget else { throw fail("maxDelayTarget must be at least minDelayTarget") }
        guard maxDelayTarget <= Self.maximumSeconds else { throw fail("maxDelayTarget must be at most 3600") }
        guard numRetries >= 0, numRetries <= Self.maximumRetries else { throw fail("numRetries must be 0 to 100") }
        guard numNoDelayRetries >= 0, numMinDelayRetries >= 0, numMaxDelayRetries >= 0 else {
            throw fail("the retry counts must be zero or greater")
        }
        guard numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries <= numRetries else {
            throw fail("numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries add up to more than numRetries")
        }
        if let m = maxReceivesPerSecond, m < 1 { throw fail("maxReceivesPerSecond must be at least 1") }
        guard totalSeconds <= Self.maximumSeconds else {
            throw fail("the retries take \(totalSeconds) seconds in all, more than 3600")
        }
    }

    /// The retries of the backoff phase.
    var numBackoffRetries: Int { max(0, numRetries - numNoDelayRetries - numMinDelayRetries - numMaxDelayRetries) }

    /// The delay before retry `retry` (1 is the first retry), without jitter, in seconds; nil when the
    /// policy has no retry left.
    public func delay(beforeRetry retry: Int) -> Double? {
        guard retry >= 1, retry <= numRetries else { return nil }
        var k = retry
        if k <= numNoDelayRetries { return 0 }
        k -= numNoDelayRetries
        if k <= numMinDelayRetries { return Double(minDelayTarget) }
        k -= numMinDelayRetries
        let n = numBackoffRetries
        if k <= n {
            let t = Double(k) / Double(n)
            let lo = Double(minDelayTarget)
            let hi = Double(maxDelayTarget)
            switch backoffFunction {
            case .linear: return lo + (hi - lo) * t
            case .arithmetic: return lo + (hi - lo) * t * t
            case .geometric: return lo + (hi - lo) * t.squareRoot()
            case .exponential: return lo * pow(hi / lo, t)
            }
        }
        return Double(maxDelayTarget)
    }

    /// The seconds all retries wait, added up.
    public var totalSeconds: Int {
        Int((1...max(1, numRetries)).compactMap { delay(beforeRetry: $0) }.reduce(0, +).rounded(.up))
    }

    /// The delay before `retry` with jitter: up to 10% less, `random` (0 to 1) choosing how much.
    public func jitteredDelay(beforeRetry retry: Int, random: Double) -> Double? {
        delay(beforeRetry: retry).map { $0 * (1 - 0.1 * min(1, max(0, random))) }
    }
}
