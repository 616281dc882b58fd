public import ArgumentParser
import Foundation
import VigilAPI
import VigilMetrics
import VigilPatterns
import VigilService
import VigilStore

/// `vigil bench ingest`: PutLogEvents into the SQLite store with 0, 1, 10 and 100 metric filters,
/// against raw SQLite inserts of the same rows in transactions of the same size.
public struct BenchIngestCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract:
            "Measure ingest (events/s) with 0, 1, 10 and 100 metric filters against raw SQLite inserts of the same rows."
    )

    @Option(name: .customLong("events"), help: "Number of events per case and corpus.")
    var events = 500_000

    @Option(
        name: .customLong("corpus"),
        help: "cloudtrail (JSON records, ~1 KB), application (text lines, ~130 bytes) or both.")
    var corpus = "both"

    @Option(name: .customLong("data-dir"), help: "Where the benchmark databases are written (and removed).")
    var dataDirectory = "bench-data"

    @Option(name: .customLong("runs"), help: "Runs per case, alternating the cases; the fastest counts.")
    var runs = 3

    @Option(
        name: .customLong("only"),
        help: "Run only the cases whose name contains this text (the raw SQLite ceiling always runs).")
    var only: String?

    public func validate() throws {
        guard events >= 1_000 else { throw ValidationError("--events must be at least 1000.") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard ["cloudtrail", "application", "both"].contains(corpus) else {
            throw ValidationError("--corpus must be cloudtrail, application or both.")
        }
    }

    /// The CloudTrail User Guide's (CIS benchmark) alarms: ten filters a security team actually runs.
    static let guideFilters = [
        #"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
        #"{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"#,
        #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        #"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
        #"{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"#,
        #"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"#,
        #"{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) }"#,
        #"{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"#,
        #"{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) }"#,
        #"{ ($.eventName = RunInstances) || ($.eventName = RebootInstances) || ($.eventName = StartInstances) || ($.eventName = StopInstances) || ($.eventName = TerminateInstances) }"#,
    ]

    /// 100 filters: the guide's ten, then one per event name (alone, with AccessDenied, or per user).
    static var hundredFilters: [String] {
        var out = guideFilters
        var k = 0
        while out.count < 100 {
            let name = BenchCorpus.eventNames[k % BenchCorpus.eventNames.count]
            switch k / BenchCorpus.eventNames.count {
            case 0: out.append("{ $.eventName = \(name) }")
            case 1: out.append("{ $.eventName = \(name) && $.errorCode = \"AccessDenied\" }")
            default:
                out.append(
                    "{ $.eventName = \(name) && $.userIdentity.userName = \(BenchCorpus.users[k % BenchCorpus.users.count]) }"
                )
            }
            k += 1
        }
        return out
    }

    /// Filters an application team would run on its service's text logs.
    static let applicationFilters = [
        "ERROR", "WARN", "\"upstream timeout\"", "IllegalStateException", "%timeout\\safter\\s\\d+ms%", "?ERROR ?WARN",
        "\"status=ok\"",
        "\"for customer 42 \"", "ERROR -payments", "[timestamp, level = ERROR, worker, request_id, ...]",
    ]

    static var hundredApplicationFilters: [String] {
        applicationFilters + (10..<100).map { "\"customer \($0 * 97) in\"" }
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        print(
            "vigil bench ingest: \(events) events per case; SQLite WAL, synchronous=FULL, on \(dataDirectory); best of \(runs) runs, each starting with another case; \(Machine.description)"
        )
        if corpus != "application" {
            try await measure(
                corpus: "cloudtrail", filters: (Self.guideFilters, Self.hundredFilters), tenLabel: "the guide's")
        }
        if corpus != "cloudtrail" {
            try await measure(
                corpus: "application", filters: (Self.applicationFilters, Self.hundredApplicationFilters),
                tenLabel: "terms, regex, fields")
        }
        try await statistics(now: Int64(Date().timeIntervalSince1970 * 1000))
        try gzipDecoding()
    }

    /// How fast CloudTrail's `.json.gz` files inflate (zlib, through ``Gzip``) against `gzip -dc` on
    /// the same file in the same run; both count the lines they produce, which must agree.
    func gzipDecoding() throws {
        guard let gzip = Machine.which("gzip") else { return print("gzip decode: gzip not installed; skipped") }
        let plain = URL(fileURLWithPath: dataDirectory).appendingPathComponent("cloudtrail-64m.jsonl")
        try BenchCorpus.write("cloudtrail", megabytes: 64, to: plain)
        let compressed = plain.path + ".gz"
        try? FileManager.default.removeItem(atPath: compressed)
        let made = Process()
        made.executableURL = URL(fileURLWithPath: "/bin/sh")
        made.arguments = ["-c", "\(gzip) -6 -c -n '\(plain.path)' > '\(compressed)'"]
        try made.run()
        made.waitUntilExit()
        guard let bytes = FileManager.default.contents(atPath: compressed) else {
            throw ValidationError("gzip decode: \(compressed) was not written")
        }
        let input = [UInt8](bytes)
        var inflated = 0
        let (ours, theirs) = try Measure.bestInterleaved(
            of: runs,
            {
                let clock = ContinuousClock()
                let start = clock.now
                let out = try Gzip.decompress(input)
                inflated = out.count
                return Measure.Result(
                    seconds: (clock.now - start).seconds, count: out.reduce(0) { $0 + ($1 == 10 ? 1 : 0) })
            }, { try Measure.command(["/bin/sh", "-c", "\(gzip) -dc '\(compressed)' | wc -l"]) })
        guard ours.count == theirs.count else {
            throw ValidationError("gzip decode: vigil found \(ours.count) lines, gzip \(theirs.count)")
        }
        print(
            "gzip decode, \(input.count >> 20) MiB of CloudTrail records inflating to \(inflated >> 20) MiB: vigil "
                + Measure.rate(Double(inflated), ours.seconds) + " MB/s, gzip -dc "
                + Measure.rate(Double(inflated), theirs.seconds) + " MB/s (best of \(runs), \(ours.count) lines each)")
        try? FileManager.default.removeItem(atPath: compressed)
        try? FileManager.default.removeItem(at: plain)
    }

    func measure(corpus: String, filters: (ten: [String], hundred: [String]), tenLabel: String) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // Events one millisecond apart, ending now: inside PutLogEvents' window, a few minutes long.
        var rng = BenchCorpus.Generator(seed: 2026)
        var line = ""
        let messages: [[UInt8]] = (0..<events).map { n in
            line.removeAll(keepingCapacity: true)
            if corpus == "cloudtrail" {
                BenchCorpus.cloudTrail(&rng, n, into: &line)
            } else {
                BenchCorpus.application(&rng, n, into: &line)
            }
            return Array(line.utf8)
        }
        let all = messages.enumerated().map {
            NewLogEvent(timestamp: now - Int64(events) + Int64($0.offset), message: $0.element)
        }
        let batches = Self.batches(all)
        let totalBytes = Double(messages.reduce(0) { $0 + $1.count })
        print(
            "\n\(corpus): \(events) events of \(Int(totalBytes) / events) bytes on average, in \(batches.count) PutLogEvents batches (≤ 10,000 events, ≤ 1,048,576 bytes)"
        )

        let allCases: [(String, [String]?)] = [
            ("raw SQLite inserts (ceiling)", nil), ("0 metric filters", []), ("1 metric filter", [filters.ten[0]]),
            ("10 metric filters (\(tenLabel))", filters.ten), ("100 metric filters", filters.hundred),
        ]
        let cases = allCases.enumerated().filter { $0.offset == 0 || only.map($0.element.0.contains) ?? true }.map(
            \.element)
        var best = [Double](repeating: .infinity, count: cases.count)
        for run in 0..<runs {
            // Each run starts with another case, so that whatever a case leaves behind (the file system
            // discarding the blocks of the database just deleted) slows every case alike.
            for step in 0..<cases.count {
                let k = (step + run) % cases.count
                let filters = cases[k].1
                let path = dataDirectory + "/bench-ingest-\(k).db"
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                let seconds: Double
                if let filters {
                    let service = try await Self.benchService(path: path, stream: "stream", filters: filters)
                    seconds = try await Self.time {
                        for b in batches { try await service.putLogEvents(group: "bench", stream: "stream", events: b) }
                    }
                    if !filters.isEmpty {
                        try await Self.check(service, filters, messages, from: now - Int64(events), to: now)
                    }
                } else {
                    let baseline = try await SQLiteInsertBaseline(path: path, now: now)
                    seconds = try await Self.time { try await baseline.run(batches: batches, ingestionTime: now) }
                }
                best[k] = min(best[k], seconds)
            }
        }
        for k in cases.indices {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: dataDirectory + "/bench-ingest-\(k).db" + suffix)
            }
        }
        print(pad("case", 40) + pad("events/s", 12) + pad("MB/s", 8) + "of raw SQLite")
        for (k, (name, _)) in cases.enumerated() {
            print(
                pad(name, 40) + pad(String(Int(Double(events) / best[k])), 12)
                    + pad(String(format: "%.0f", totalBytes / best[k] / 1e6), 8)
                    + String(format: "%.0f%%", 100 * best[0] / best[k]))
        }
    }

    /// The metric sums must equal what each filter counts alone over the same messages.
    static func check(_ service: LogsService, _ filters: [String], _ messages: [[UInt8]], from: Int64, to: Int64)
        async throws
    {
        for (n, f) in filters.enumerated() where n % 9 == 0 {
            let pattern = try FilterPattern(f)
            let expected = messages.reduce(0) { c, m in c + (m.withUnsafeBufferPointer { pattern.matches($0) } ? 1 : 0)
            }
            let periods = try await service.metricStatistics(
                MetricKey(namespace: "Bench", name: "m\(n)"), start: from - 3_600_000, end: to + 60_000,
                periodSeconds: 3600)
            let got = Int(periods.map(\.values.sum).reduce(0, +))
            guard got == expected else {
                throw ValidationError("filter \(n) summed \(got), but matches \(expected) events alone")
            }
        }
    }

    /// GetMetricStatistics over 30 days of 1-minute aggregates (43,200 rows for the metric).
    func statistics(now: Int64) async throws {
        let path = dataDirectory + "/bench-statistics.db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteLogStore(path: path)
        let service = LogsService(store: store)
        let key = MetricKey(namespace: "Bench", name: "ConsoleSignInFailureCount")
        let end = Period.floor(now, to: 60_000)
        let start = end - 30 * 86_400_000
        var rng = BenchCorpus.Generator(seed: 30)
        for day in 0..<30 {
            var minutes = MinuteAggregator()
            for m in 0..<1440 {
                let t = start + Int64(day * 1440 + m) * 60_000
                // Ten other metrics share the table, as in a real store.
                for other in 0..<10 {
                    minutes.add(
                        MetricDatapoint(
                            key: MetricKey(namespace: "Bench", name: "other\(other)"), timestamp: t, value: 1))
                }
                minutes.add(MetricDatapoint(key: key, timestamp: t, value: Double(rng.below(5))))
            }
            try await store.record(minutes, now: now)
        }
        for (label, period) in [
            ("30 days, 1-hour periods (720 datapoints)", 3600), ("30 days, 1-day periods (30 datapoints)", 86_400),
        ] as [(String, Int)] {
            var fastest = Double.infinity
            var sum = 0.0
            for _ in 0..<20 {
                let seconds = try await Self.time {
                    sum =
                        try await service.metrics.getMetricStatistics(
                            .init(
                                namespace: key.namespace, metricName: key.name,
                                startTime: Timestamp(millisecondsSinceEpoch: start),
                                endTime: Timestamp(millisecondsSinceEpoch: end), period: Int32(period),
                                statistics: [.sum, .sampleCount])
                        )
                        .datapoints?.compactMap(\.sum).reduce(0, +) ?? 0
                }
                fastest = min(fastest, seconds)
            }
            print(
                "GetMetricStatistics, \(label): " + String(format: "%.1f ms", fastest * 1000)
                    + " (best of 20; Sum over all \(Int(sum)))")
        }
    }

    /// LogsService over a new SQLite store at `path`, with the group `bench`, its stream `stream`, and one
    /// metric filter per pattern (metric `mN` in namespace `Bench`, value 1).
    static func benchService(path: String, stream: String, filters: [String]) async throws -> LogsService {
        let service = LogsService(store: try SQLiteLogStore(path: path))
        try await service.createLogGroup(.init(logGroupName: "bench"))
        try await service.createLogStream(.init(logGroupName: "bench", logStreamName: stream))
        for (n, f) in filters.enumerated() {
            try await service.putMetricFilter(
                .init(
                    logGroupName: "bench", filterName: "f\(n)", filterPattern: f,
                    metricTransformations: [.init(metricName: "m\(n)", metricNamespace: "Bench", metricValue: "1")]))
        }
        return service
    }

    /// `events` cut into the largest PutLogEvents batches AWS allows (10,000 events, 1,048,576 bytes
    /// counting 26 per event).
    static func batches(_ events: [NewLogEvent]) -> [[NewLogEvent]] {
        var batches: [[NewLogEvent]] = [[]]
        var bytes = 0
        for e in events {
            if batches[batches.count - 1].count == LogsLimits.maximumBatchEvents
                || bytes + e.message.count + LogsLimits.perEventOverhead > LogsLimits.maximumBatchBytes
            {
                batches.append([])
                bytes = 0
            }
            batches[batches.count - 1].append(e)
            bytes += e.message.count + LogsLimits.perEventOverhead
        }
        return batches
    }

    static func time(_ body: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        return (clock.now - start).seconds
    }

    func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }
}
