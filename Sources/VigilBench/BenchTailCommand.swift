public import ArgumentParser
import Foundation
import Synchronization
import VigilAPI
import VigilPatterns
import VigilService
import VigilStore

/// `vigil bench tail`: PutLogEvents at full rate (the service's ingest path, one writer, the largest PutLogEvents
/// batches of application lines) with 0, 1, 10 and 100 live-tail sessions open on the group, each reading in its own
/// task and writing every event it shows as JSON, as the SSE endpoint does. Reports ingest events/s and
/// its share of the rate with no session (the baseline, measured in the same run), what each session
/// showed, and how many fell behind; then the latency from each PutLogEvents call (its commit included)
/// to each session's seeing its event (p50/p99).
public struct BenchTailCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract:
            "Measure ingest (events/s) with 0, 1, 10 and 100 live-tail sessions open, and PutLogEvents-to-delivery latency."
    )

    @Option(name: .customLong("events"), help: "Events ingested per case.")
    var events = 300_000

    @Option(
        name: .customLong("pattern"),
        help: "The sessions' filter pattern (ERROR matches 2% of the lines; '' shows every event).")
    var pattern = "ERROR"

    @Option(name: .customLong("sessions"), parsing: .upToNextOption, help: "The cases, by number of sessions.")
    var sessions = [0, 1, 10, 100]

    @Option(
        name: .customLong("runs"),
        help:
            "Runs per case, alternating the cases; the fastest counts for the rate, and each run's own share of its 0-session rate for the median."
    )
    var runs = 3

    @Option(
        name: .customLong("pace"),
        help: "How often a session takes events while they keep coming, in milliseconds (the hub's pace).")
    var paceMilliseconds = 10

    @Option(name: .customLong("latency-samples"), help: "PutLogEvents timed for the latency of each case.")
    var latencySamples = 200

    @Flag(name: .customLong("skip-http"), help: "Measure in process only, not over HTTP with a `vigil serve`.")
    var skipHTTP = false

    @Flag(
        name: .customLong("pin"),
        help:
            "Over HTTP, give each server CPU 0 and the load generator and stream readers CPU 1, so that the rates say what sessions cost the server."
    )
    var pin = false

    @Option(name: .customLong("data-dir"), help: "Where the benchmark databases are written (and removed).")
    var dataDirectory = "bench-data"

    public func validate() throws {
        guard events >= 10_000 else { throw ValidationError("--events must be at least 10000.") }
        guard (0...10_000).contains(paceMilliseconds) else { throw ValidationError("--pace takes 0 to 10000 ms.") }
        guard runs >= 1, latencySamples >= 20 else {
            throw ValidationError("--runs must be at least 1 and --latency-samples at least 20.")
        }
        guard sessions.allSatisfy({ (0...1_000).contains($0) }), !sessions.isEmpty else {
            throw ValidationError("--sessions takes numbers from 0 to 1000.")
        }
        if !pattern.isEmpty { _ = try FilterPattern(pattern) }
    }

    /// What one case measured.
    struct Outcome {
        var seconds: Double
        var shown: [Int]
        var fellBehind: Int
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var rng = BenchCorpus.Generator(seed: 2026)
        var line = ""
        let all = (0..<events).map { n -> NewLogEvent in
            line.removeAll(keepingCapacity: true)
            BenchCorpus.application(&rng, n, into: &line)
            return NewLogEvent(timestamp: now - Int64(events) + Int64(n), message: Array(line.utf8))
        }
        let batches = BenchIngestCommand.batches(all)
        let compiled = pattern.isEmpty ? nil : try FilterPattern(pattern)
        let matching =
            compiled.map { p in all.count { $0.message.withUnsafeBufferPointer { p.matches($0) } } } ?? all.count
        print(
            "vigil bench tail: \(events) application lines per case in the largest PutLogEvents batches through LogsService.putLogEvents "
                + "(SQLite WAL, synchronous=FULL, on \(dataDirectory)); sessions filter on '\(pattern)' (\(matching) "
                + "events match) and write each event as JSON; best of \(runs) runs; \(Machine.description)")
        let cases = sessions.contains(0) ? sessions : [0] + sessions
        var best: [Int: Outcome] = [:]
        var overHTTP: [Int: Outcome] = [:]
        // Each run's seconds per case, for the share of each run's own 0-session case.
        var seconds: [Int: [Double]] = [:]
        var secondsOverHTTP: [Int: [Double]] = [:]
        let messages = all.map(\.message)
        for run in 0..<runs {
            for step in 0..<cases.count {
                let count = cases[(step + run) % cases.count]
                FileHandle.standardError.write(
                    Data("vigil bench tail: run \(run + 1) of \(runs), \(count) sessions\n".utf8))
                let outcome = try await ingest(batches, sessions: count, case: step)
                if outcome.seconds < best[count]?.seconds ?? .infinity { best[count] = outcome }
                seconds[count, default: []].append(outcome.seconds)
                guard !skipHTTP else { continue }
                FileHandle.standardError.write(
                    Data("vigil bench tail: run \(run + 1) of \(runs), \(count) streams over HTTP\n".utf8))
                let http = try ingestOverHTTP(messages, matching: matching, sessions: count, case: step, now: now)
                if http.seconds < overHTTP[count]?.seconds ?? .infinity { overHTTP[count] = http }
                secondsOverHTTP[count, default: []].append(http.seconds)
            }
        }
        print("in process: LogsService.putLogEvents, sessions read with LiveTailSession.next")
        try await table(cases, best, runs: seconds) { try await self.latency(sessions: $0) }
        guard !skipHTTP else { return }
        print(
            "\nover HTTP: a vigil serve per case, signed PutLogEvents of \(Self.httpBatch) events on \(Self.httpConnections) "
                + "keep-alive connections; sessions are GET /_vigil/tail streams, each read by a thread; latency from "
                + "sending a one-event PutLogEvents to each stream's receiving it"
                + (pin ? "; the server on CPU 0, the clients on CPU 1" : "; server and clients share the cores"))
        try await table(cases, overHTTP, runs: secondsOverHTTP) { try self.latencyOverHTTP(sessions: $0, now: now) }
    }

    /// The share of the 0-session rate in each run (a case's run k against the 0-session run k, measured
    /// next to it), as the median and the range over the runs: the machine's drift between runs cancels.
    static func shareOfRuns(_ count: Int, _ runs: [Int: [Double]]) -> String {
        guard let base = runs[0], let own = runs[count], !own.isEmpty else { return "-" }
        let shares = zip(base, own).map { $0 / $1 }.sorted()
        guard let low = shares.first, let high = shares.last else { return "-" }
        let median =
            shares.count % 2 == 1
            ? shares[shares.count / 2] : (shares[shares.count / 2 - 1] + shares[shares.count / 2]) / 2
        return String(format: "%.2f (%.2f–%.2f)", median, low, high)
    }

    /// The table of `outcomes` (the fastest of each case), each run's `runs` seconds per case, and each
    /// case's latency from `latency`.
    func table(
        _ cases: [Int], _ outcomes: [Int: Outcome], runs: [Int: [Double]],
        latency: (Int) async throws -> (Duration, Duration)
    ) async throws {
        let baseline = Double(events) / (outcomes[0]?.seconds ?? .infinity)
        print(
            "sessions   ingest events/s   best of 0   per run: median (range)   each session showed   fell behind   put -> shown p50   p99"
        )
        for count in cases {
            guard let outcome = outcomes[count] else { continue }
            let rate = Double(events) / outcome.seconds
            let shown = outcome.shown.isEmpty ? "-" : "\(outcome.shown.min() ?? 0)–\(outcome.shown.max() ?? 0)"
            var p50 = "-"
            var p99 = "-"
            if count > 0 {
                let (median, tail) = try await latency(count)
                p50 = BenchNotifyCommand.ms(median) + " ms"
                p99 = BenchNotifyCommand.ms(tail) + " ms"
            }
            print(
                pad("\(count)", 11) + pad("\(Int(rate))", 18) + pad(String(format: "%.2f", rate / baseline), 12)
                    + pad(Self.shareOfRuns(count, runs), 26) + pad(shown, 22) + pad("\(outcome.fellBehind)", 14)
                    + pad(p50, 19) + p99)
        }
    }

    func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }

    /// A fresh store with group `bench` (stream `s`), its path.
    func store(_ name: String) async throws -> (LogsService, String) {
        let path = dataDirectory + "/bench-tail-\(name).db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let logs = LogsService(store: try SQLiteLogStore(path: path))
        try await logs.createLogGroup(.init(logGroupName: "bench"))
        try await logs.createLogStream(.init(logGroupName: "bench", logStreamName: "s"))
        return (logs, path)
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Ingests `batches` with `sessions` sessions reading; the writer's time, what each session showed.
    func ingest(_ batches: [[NewLogEvent]], sessions count: Int, case index: Int) async throws -> Outcome {
        let (logs, path) = try await store("case-\(index)")
        defer { Self.remove(path) }
        let hub = LiveTailHub(store: logs.store, pace: .milliseconds(paceMilliseconds))
        let filter = LiveTailFilter(groups: ["bench"], pattern: pattern.isEmpty ? nil : try FilterPattern(pattern))
        var opened: [LiveTailSession] = []
        for _ in 0..<count { opened.append(try await hub.open(filter)) }
        let flags = ReaderFlags()
        let readers = opened.map { session in
            Task { () -> Int in
                var shown = 0
                var json: [UInt8] = []
                while true {
                    let finished = flags.done.load(ordering: .relaxed)
                    do {
                        let events = try await session.next(maximum: 1_000, wait: .milliseconds(20))
                        json.removeAll(keepingCapacity: true)
                        for event in events { JSONString.append(message: event.message, quotedTo: &json) }
                        shown += events.count
                        if finished && events.isEmpty { break }
                    } catch {
                        flags.fellBehind.add(1, ordering: .relaxed)
                        break
                    }
                }
                await session.close()
                return shown
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        for batch in batches { try await logs.putLogEvents(group: "bench", stream: "s", events: batch) }
        let seconds = (clock.now - start).seconds
        flags.done.store(true, ordering: .relaxed)
        var shown: [Int] = []
        for reader in readers { shown.append(await reader.value) }
        return Outcome(seconds: seconds, shown: shown, fellBehind: flags.fellBehind.load(ordering: .relaxed))
    }

    /// `latencySamples` single-event PutLogEvents, 0–20 ms apart, with `sessions` sessions reading: the
    /// time from each call (its commit included) to each session's seeing the event (p50, p99).
    func latency(sessions count: Int) async throws -> (Duration, Duration) {
        let (logs, path) = try await store("latency")
        defer { Self.remove(path) }
        let hub = LiveTailHub(store: logs.store)
        let filter = LiveTailFilter(groups: ["bench"], pattern: pattern.isEmpty ? nil : try FilterPattern(pattern))
        let clock = ContinuousClock()
        let samples = latencySamples
        let acknowledged = Mutex([ContinuousClock.Instant?](repeating: nil, count: samples))
        var opened: [LiveTailSession] = []
        for _ in 0..<count { opened.append(try await hub.open(filter)) }
        let readers = opened.map { session in
            Task { () -> [(Int, ContinuousClock.Instant)] in
                var arrivals: [(Int, ContinuousClock.Instant)] = []
                while arrivals.count < samples {
                    guard let events = try? await session.next(maximum: 1_000, wait: .seconds(5)), !events.isEmpty
                    else {
                        break
                    }
                    let at = clock.now
                    for event in events {
                        // "ERROR probe K": the K-th sample.
                        if let k = Int(String(decoding: event.message.dropFirst(12), as: UTF8.self)) {
                            arrivals.append((k, at))
                        }
                    }
                }
                await session.close()
                return arrivals
            }
        }
        var rng = BenchCorpus.Generator(seed: 16)
        for k in 0..<samples {
            let t = Int64(Date().timeIntervalSince1970 * 1000)
            // From the call, so the commit (an fsync) is inside: a session sees the batch as the writer
            // commits it, before the call returns, so timing from the return would say 0.
            let at = clock.now
            acknowledged.withLock { $0[k] = at }
            try await logs.putLogEvents(
                group: "bench", stream: "s",
                events: [NewLogEvent(timestamp: t, message: Array("ERROR probe \(k)".utf8))])
            try await Task.sleep(for: .milliseconds(rng.below(21)))
        }
        let acks = acknowledged.withLock { $0 }
        var all: [Duration] = []
        for reader in readers {
            for (k, at) in await reader.value where k >= 0 && k < acks.count {
                guard let ack = acks[k] else { continue }
                all.append(at > ack ? at - ack : .zero)
            }
        }
        all.sort()
        guard !all.isEmpty else { throw ValidationError("no session saw any probe") }
        return (all[all.count / 2], all[min(all.count - 1, all.count * 99 / 100)])
    }
}

/// What the writer tells the readers (ingest is over), and what they tell it (how many fell behind).
final class ReaderFlags: Sendable {
    let done = Atomic<Bool>(false)
    let fellBehind = Atomic<Int>(0)
}
