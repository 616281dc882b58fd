import ArgumentParser
import Foundation
import VigilWire

#if canImport(Glibc)
    import Glibc
#endif

/// The cases of `vigil bench tail` over the network: a `vigil serve` process per case, signed PutLogEvents
/// of 1,000 events on four keep-alive connections at full rate, and each session a `GET /_vigil/tail`
/// stream read on a thread of its own, as curl reads it.
extension BenchTailCommand {
    static let httpConnections = 4
    static let httpBatch = 1_000

    /// A signed `GET /_vigil/tail` of `group` with the bench pattern.
    func tailRequest(_ group: String, port: Int) -> [UInt8] {
        var query = "logGroup=\(group)"
        if !pattern.isEmpty { query += "&filterPattern=" + SigV4.encode(Array(pattern.utf8)) }
        return BenchHTTPCommand.signed(
            SigV4Request(
                method: "GET", path: "/_vigil/tail", query: query,
                headers: [(name: "Host", value: "127.0.0.1:\(port)")], body: []), at: Date())
    }

    /// A server of its own for one case, with room for every session the case opens.
    func server(_ name: String) throws -> VigilServer {
        let server = try VigilServer(
            directory: dataDirectory + "/bench-tail-\(name)", arguments: ["--live-tail-max-sessions", "1000"])
        if pin {
            guard CPUAffinity.pin(process: server.process.processIdentifier, to: [0]), CPUAffinity.pinProcess(to: 1)
            else {
                throw ValidationError("--pin: the kernel refused to pin the server to CPU 0 and this process to CPU 1")
            }
        }
        return server
    }

    /// Stops a case's server, and lets this process use every CPU again.
    func stop(_ server: VigilServer) {
        server.stop()
        if pin { _ = CPUAffinity.unpinProcess() }
    }

    /// `count` streams on `group`, once each has been answered 200 (5 s at most); `probing` for the latency.
    func openStreams(_ count: Int, group: String, port: Int, probing: Bool = false) throws -> [ServerSentEventsReader] {
        let readers = try (0..<count).map { _ in
            try ServerSentEventsReader(port: port, request: tailRequest(group, port: port), probing: probing)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while readers.contains(where: { $0.snapshot.status == 0 }) && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        if let refused = readers.first(where: { $0.snapshot.status != 200 }) {
            throw ValidationError("GET /_vigil/tail answered \(refused.snapshot.status)")
        }
        return readers
    }

    /// Waits until `done` holds for every reader (10 s at most), then closes them; their states.
    static func drain(_ readers: [ServerSentEventsReader], until done: (ServerSentEventsReader.State) -> Bool)
        -> [ServerSentEventsReader.State]
    {
        let deadline = ContinuousClock.now + .seconds(10)
        while !readers.allSatisfy({ done($0.snapshot) }) && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        return readers.map { $0.stop() }
    }

    /// PutLogEvents of `messages` over HTTP at full rate with `count` streams open.
    func ingestOverHTTP(_ messages: [[UInt8]], matching: Int, sessions count: Int, case index: Int, now: Int64)
        throws -> Outcome
    {
        let server = try server("http-\(index)")
        defer { stop(server) }
        try BenchHTTPCommand.setUp(port: server.port, group: "bench", streams: Self.httpConnections, filters: [])
        let readers = try openStreams(count, group: "bench", port: server.port)
        let result = try BenchHTTPCommand.load(
            port: server.port, group: "bench", filters: [], messages: messages, count: messages.count, now: now,
            batch: Self.httpBatch, connections: Self.httpConnections, setUp: false)
        let states = Self.drain(readers) { $0.events >= matching || !$0.comments.isEmpty }
        return Outcome(
            seconds: Double(messages.count) / result.rate, shown: states.map(\.events),
            fellBehind: states.count { state in state.comments.contains { $0.hasPrefix("fell behind") } })
    }

    /// `latencySamples` one-event PutLogEvents over HTTP, 0–20 ms apart, with `count` streams open: the time
    /// from sending each request to each stream's receiving its event (p50, p99).
    func latencyOverHTTP(sessions count: Int, now: Int64) throws -> (Duration, Duration) {
        let server = try server("http-latency")
        defer { stop(server) }
        try BenchHTTPCommand.setUp(port: server.port, group: "bench", streams: 1, filters: [])
        let readers = try openStreams(count, group: "bench", port: server.port, probing: true)
        let connection = try HTTPLoadConnection(port: server.port)
        let clock = ContinuousClock()
        var sent: [ContinuousClock.Instant] = []
        var rng = BenchCorpus.Generator(seed: 16)
        for k in 0..<latencySamples {
            let request = BenchHTTPCommand.putLogEvents(
                group: "bench", stream: "s0", [Array("ERROR probe \(k)".utf8)][...], first: k, now: now,
                port: server.port, at: Date())
            sent.append(clock.now)
            let reply = try connection.exchange(request)
            guard reply.status == 200 else {
                throw ValidationError(
                    "PutLogEvents answered \(reply.status): \(String(decoding: reply.body, as: UTF8.self))")
            }
            Thread.sleep(forTimeInterval: Double(rng.below(21)) / 1000)
        }
        let samples = latencySamples
        let states = Self.drain(readers) { $0.probes.count >= samples }
        var all: [Duration] = []
        for state in states {
            for (k, at) in state.probes where k >= 0 && k < sent.count { all.append(at - sent[k]) }
        }
        all.sort()
        guard !all.isEmpty else { throw ValidationError("no stream saw any probe") }
        return (all[all.count / 2], all[min(all.count - 1, all.count * 99 / 100)])
    }
}
