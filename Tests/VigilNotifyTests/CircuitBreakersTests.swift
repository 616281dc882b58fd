import Testing
import VigilStore

@testable import VigilNotify

/// The per-destination circuit breaker as a value: when it opens, what it holds, the half-open trial,
/// and how the cooldown grows.
struct CircuitBreakersTests {
    static let d = "http://10.0.0.7:80"

    @Test(
        "a destination is a URL's scheme, host and port, lower case, the port filled in",
        arguments: [
            ("http://Hooks.Example.com/alarm?x=1", "http://hooks.example.com:80"),
            ("https://hooks.example.com/alarm", "https://hooks.example.com:443"),
            ("https://hooks.example.com:8443/a#b", "https://hooks.example.com:8443"),
            ("http://user:secret@10.0.0.7:8080/", "http://10.0.0.7:8080"),
            ("http://[::1]/hook", "http://[::1]:80"),
            ("http://[::1]:9000", "http://[::1]:9000"),
            ("http://example.com?q", "http://example.com:80"),
            ("not a url", "not a url"),
            ("", ""),
        ])
    func destinations(url: String, destination: String) {
        #expect(CircuitBreakers.destination(of: url) == destination)
    }

    @Test("five failures running open the circuit; an answer in between starts the count again")
    func threshold() {
        var b = CircuitBreakers()
        for i in 1...4 { #expect(b.record(Self.d, failure: "HTTP 500", at: Int64(i)) == nil) }
        let answered = b.record(Self.d, failure: nil, at: 5)
        #expect(answered == nil, "a closed circuit does not report closing")
        for i in 1...4 { #expect(b.record(Self.d, failure: "timeout", at: Int64(i)) == nil) }
        let admitted = b.admits(Self.d, at: 10)
        #expect(admitted)
        let opened = b.record(Self.d, failure: "timeout", at: 10)
        #expect(opened?.state == .open && opened?.failures == 5 && opened?.retryAt == 30_010)
        #expect(opened?.lastError == "timeout")
        let early = b.admits(Self.d, at: 30_009)
        #expect(!early && b.held(at: 30_009) == [Self.d])
        let other = b.admits("http://other:80", at: 11)
        #expect(other, "other destinations are not held")
    }

    @Test("after the cooldown one trial goes; its failure doubles the cooldown up to ten minutes, its answer closes")
    func halfOpenTrial() {
        var b = CircuitBreakers()
        for _ in 1...5 { b.record(Self.d, failure: "HTTP 503", at: 0) }
        var retryAt: Int64 = 30_000
        for expected: Int64 in [60_000, 120_000, 240_000, 480_000, 600_000, 600_000] {
            #expect(b.held(at: retryAt - 1) == [Self.d])
            #expect(b.held(at: retryAt).isEmpty)
            let trial = b.admits(Self.d, at: retryAt)
            #expect(trial, "the trial")
            let second = b.admits(Self.d, at: retryAt)
            #expect(!second && b.held(at: retryAt) == [Self.d], "one trial at a time")
            let reopened = b.record(Self.d, failure: "HTTP 503", at: retryAt)
            #expect(reopened?.cooldown == expected && reopened?.retryAt == retryAt + expected)
            retryAt += expected
        }
        let last = b.admits(Self.d, at: retryAt)
        #expect(last)
        let closed = b.record(Self.d, failure: nil, at: retryAt)
        #expect(closed?.state == .closed && closed?.failures == 0 && closed?.changed == retryAt)
        let after = b.admits(Self.d, at: retryAt)
        #expect(b.destinations.isEmpty && after)
    }

    @Test("a trial that ends without a verdict (a denied address) lets the next one go")
    func releasedTrial() {
        var b = CircuitBreakers()
        for _ in 1...5 { b.record(Self.d, failure: "refused", at: 0) }
        let trial = b.admits(Self.d, at: 30_000)
        b.release(Self.d)
        let next = b.admits(Self.d, at: 30_000)
        #expect(trial && next)
    }

    @Test("restored from saved states, an open circuit stays open and no trial is in flight")
    func restored() {
        var open = DestinationHealth(
            destination: Self.d, state: .halfOpen, failures: 6, cooldown: 30_000, retryAt: 30_000, lastError: "x",
            changed: 0)
        open.trialInFlight = true
        let closed = DestinationHealth(
            destination: "http://b:80", state: .closed, failures: 0, cooldown: 0, retryAt: 0, lastError: "x", changed: 0
        )
        var b = CircuitBreakers(restoring: [open, closed])
        #expect(b.destinations.keys.sorted() == [Self.d])
        let trial = b.admits(Self.d, at: 1)
        let second = b.admits(Self.d, at: 2)
        #expect(trial && !second)
    }
}
