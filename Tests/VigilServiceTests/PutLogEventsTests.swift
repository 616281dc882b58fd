import Foundation
import Testing
import VigilAPI
import VigilMetrics
import VigilPatterns
import VigilService
import VigilStore

/// PutLogEvents follows AWS's batch rules; metric filters turn accepted events into datapoints.
struct PutLogEventsTests {
    static let now: Int64 = 1_795_600_000_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    func service() async throws -> LogsService {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"), now: { Self.now })
        try await s.createLogGroup("CloudTrail/DefaultLogGroup")
        try await s.createLogStream(group: "CloudTrail/DefaultLogGroup", name: "123456789012_CloudTrail_us-east-1")
        return s
    }

    func event(_ t: Int64, _ m: String = "x") -> NewLogEvent { NewLogEvent(timestamp: t, message: Array(m.utf8)) }

    static let failures: [(String, [NewLogEvent], String)] = [
        ("an empty batch", [], "length greater than or equal to 1"),
        (
            "more than 10,000 events", (0..<10_001).map { _ in NewLogEvent(timestamp: now, message: [0x61]) },
            "at most 10000"
        ),
        ("an empty message", [NewLogEvent(timestamp: now, message: [])], "logEvents.1.member.message"),
        (
            "an event over 1 MB", [NewLogEvent(timestamp: now, message: Array(repeating: 0x61, count: 1_048_551))],
            "at most 1048550 bytes"
        ),
        (
            "a batch over 1,048,576 bytes counting 26 per event",
            (0..<2).map { _ in NewLogEvent(timestamp: now, message: Array(repeating: 0x61, count: 524_263)) },
            "1048578 bytes"
        ),
        (
            "events out of chronological order",
            [NewLogEvent(timestamp: now, message: [0x61]), NewLogEvent(timestamp: now - 1, message: [0x61])],
            "chronological order"
        ),
        (
            "a batch spanning more than 24 hours",
            [NewLogEvent(timestamp: now - 25 * hour, message: [0x61]), NewLogEvent(timestamp: now, message: [0x61])],
            "span more than 24 hours"
        ),
        ("a negative timestamp", [NewLogEvent(timestamp: -1, message: [0x61])], "greater than or equal to 0"),
    ]

    /// A batch as the test log shows it: its size, not its megabyte of bytes.
    struct Batch: Sendable, CustomTestStringConvertible {
        let events: [NewLogEvent]
        var testDescription: String { "\(events.count) events, \(events.map(\.message.count).reduce(0, +)) bytes" }
    }

    @Test(
        "rejects the whole batch with InvalidParameterException",
        arguments: failures.map { ($0.0, Batch(events: $0.1), $0.2) })
    func rejectsBatch(_ name: String, _ batch: Batch, _ text: String) async throws {
        let events = batch.events
        let s = try await service()
        await #expect {
            try await s.putLogEvents(
                group: "CloudTrail/DefaultLogGroup", stream: "123456789012_CloudTrail_us-east-1", events: events)
        } throws: { error in
            guard let e = error as? CloudWatchLogsError else { return false }
            return e.code.queryCode == "InvalidParameterException" && e.message.contains(text)
        }
        #expect(try await s.filterLogEvents(group: "CloudTrail/DefaultLogGroup").events.isEmpty)
    }

    @Test("a batch of exactly 1,048,576 bytes and 10,000 events is accepted")
    func limitsAreInclusive() async throws {
        let s = try await service()
        let r = try await s.putLogEvents(
            group: "CloudTrail/DefaultLogGroup", stream: "123456789012_CloudTrail_us-east-1",
            events: [event(Self.now, String(repeating: "a", count: 1_048_550))])
        #expect(r.accepted == 1 && !r.hasRejections)
        let many = try await s.putLogEvents(
            group: "CloudTrail/DefaultLogGroup", stream: "123456789012_CloudTrail_us-east-1",
            events: (0..<10_000).map { _ in event(Self.now) })
        #expect(many.accepted == 10_000)
    }

    @Test("too old, expired and too new events are reported by index and the rest are stored")
    func rejectedInfo() async throws {
        let s = try await service()
        try await s.putRetentionPolicy("CloudTrail/DefaultLogGroup", days: 1)
        let events = [
            event(Self.now - 15 * Self.day, "old"), event(Self.now - 2 * Self.day, "expired"),
            event(Self.now - Self.hour, "kept 1"),
            event(Self.now, "kept 2"), event(Self.now + 3 * Self.hour, "new"),
        ]
        var r = try await s.putLogEvents(
            group: "CloudTrail/DefaultLogGroup", stream: "123456789012_CloudTrail_us-east-1", events: events)
        #expect(r.nextSequenceToken?.count == 56)
        r.nextSequenceToken = nil
        #expect(
            r
                == PutLogEventsResult(
                    tooNewLogEventStartIndex: 4, tooOldLogEventEndIndex: 1, expiredLogEventEndIndex: 2, accepted: 2))
        #expect(
            try await s.filterLogEvents(group: "CloudTrail/DefaultLogGroup").events.map {
                String(decoding: $0.message, as: UTF8.self)
            } == ["kept 1", "kept 2"])
    }

    /// PutLogEvents accepts events "no more than 14 days in the past" and "no more than 2 hours in the
    /// future": the instants 14 days back and 2 hours ahead are inside, a millisecond beyond is not.
    @Test(
        "the age limits at their exact instants",
        arguments: [
            (-14 * Self.day, true), (-14 * Self.day - 1, false), (2 * Self.hour, true), (2 * Self.hour + 1, false),
        ])
    func ageBoundaries(_ offset: Int64, _ accepted: Bool) async throws {
        let s = try await service()
        let r = try await s.putLogEvents(
            group: "CloudTrail/DefaultLogGroup", stream: "123456789012_CloudTrail_us-east-1",
            events: [event(Self.now + offset, "edge")])
        #expect(r.accepted == (accepted ? 1 : 0), "\(offset)")
    }

    @Test("rejects retention values AWS does not offer")
    func retentionValues() async throws {
        let s = try await service()
        await #expect(throws: CloudWatchLogsError.self) {
            try await s.putRetentionPolicy("CloudTrail/DefaultLogGroup", days: 2)
        }
        try await s.putRetentionPolicy("CloudTrail/DefaultLogGroup", days: 3653)
    }

    @Test(
        "log group and stream names follow AWS's rules",
        arguments: [
            ("CloudTrail/DefaultLogGroup", true), ("a.b-c_d/e#f", true), ("with space", false), ("", false),
            ("é", false),
            (String(repeating: "a", count: 512), true), (String(repeating: "a", count: 513), false),
        ])
    func groupNames(_ name: String, _ valid: Bool) async throws {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"))
        if valid {
            try await s.createLogGroup(name)
        } else {
            await #expect(throws: CloudWatchLogsError.self) { try await s.createLogGroup(name) }
        }
        #expect(
            LogsLimits.isValidStreamOrFilterName("a:b") == false && LogsLimits.isValidStreamOrFilterName("a*") == false)
    }

    @Test("the guide's console sign-in filter counts failed logins into its metric")
    func metricFilterCounts() async throws {
        let s = try await service()
        try await s.putMetricFilter(
            group: "CloudTrail/DefaultLogGroup", name: "ConsoleSignInFailures",
            pattern: #"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
            transformations: [
                MetricTransformation(
                    metricName: "ConsoleSignInFailureCount", metricNamespace: "CloudTrailMetrics", metricValue: "1")
            ])
        let failed = #"{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}"#
        let ok = #"{"eventName":"ConsoleLogin"}"#
        let t = Self.now - 10 * 60_000
        try await s.putLogEvents(
            group: "CloudTrail/DefaultLogGroup", stream: "123456789012_CloudTrail_us-east-1",
            events: [event(t, failed), event(t + 1, ok), event(t + 61_000, failed), event(t + 61_001, failed)])
        let key = MetricKey(namespace: "CloudTrailMetrics", name: "ConsoleSignInFailureCount")
        let perMinute = try await s.metricStatistics(key, start: t - 60_000, end: Self.now, periodSeconds: 60)
        #expect(perMinute.map(\.values.sum) == [1, 2])
        let total = try await s.metricStatistics(key, start: t - 60_000, end: Self.now, periodSeconds: 3600)
        #expect(total.map(\.values.sum).reduce(0, +) == 3)
    }

    @Test("a default value is emitted for each event the pattern does not match; dimensions come from fields")
    func defaultValueAndDimensions() async throws {
        let s = try await service()
        try await s.putMetricFilter(
            group: "CloudTrail/DefaultLogGroup", name: "errors", pattern: "ERROR",
            transformations: [
                MetricTransformation(metricName: "Errors", metricNamespace: "App", metricValue: "1", defaultValue: 0)
            ])
        try await s.putMetricFilter(
            group: "CloudTrail/DefaultLogGroup", name: "bytes", pattern: "[level, user, bytes]",
            transformations: [
                MetricTransformation(
                    metricName: "Bytes", metricNamespace: "App", metricValue: "$bytes", dimensions: ["User": "$user"])
            ])
        let t = Self.now - 3 * 60_000 - Self.now % 60_000
        try await s.putLogEvents(
            group: "CloudTrail/DefaultLogGroup", stream: "123456789012_CloudTrail_us-east-1",
            events: [event(t, "INFO alice 10"), event(t + 1, "INFO alice 5"), event(t + 60_000, "ERROR bob 7")])
        let errors = try await s.metricStatistics(
            MetricKey(namespace: "App", name: "Errors"), start: t, end: Self.now, periodSeconds: 60)
        // Two events without ERROR in the first minute (two zeros), one ERROR in the second.
        #expect(errors.map { [$0.values.sum, $0.values.sampleCount] } == [[0, 2], [1, 1]])
        let alice = try await s.metricStatistics(
            MetricKey(namespace: "App", name: "Bytes", dimensions: [.init(name: "User", value: "alice")]),
            start: t, end: Self.now, periodSeconds: 60)
        #expect(alice.map(\.values.sum) == [15])
    }

    @Test("a metric filter is validated before it is stored, and a group holds at most 100")
    func metricFilterValidation() async throws {
        let s = try await service()
        let t = MetricTransformation(metricName: "M", metricNamespace: "N", metricValue: "1")
        await #expect {
            try await s.putMetricFilter(
                group: "CloudTrail/DefaultLogGroup", name: "bad", pattern: "{ $.eventName = }", transformations: [t])
        } throws: { ($0 as? CloudWatchLogsError)?.code.queryCode == "InvalidParameterException" }
        for k in 0..<100 {
            try await s.putMetricFilter(
                group: "CloudTrail/DefaultLogGroup", name: "f\(k)", pattern: "x\(k)", transformations: [t])
        }
        // an update is not a new filter
        try await s.putMetricFilter(
            group: "CloudTrail/DefaultLogGroup", name: "f0", pattern: "updated", transformations: [t])
        await #expect {
            try await s.putMetricFilter(
                group: "CloudTrail/DefaultLogGroup", name: "f100", pattern: "x", transformations: [t])
        } throws: { ($0 as? CloudWatchLogsError)?.code.queryCode == "LimitExceededException" }
        #expect(
            try await s.describeMetricFilters(group: "CloudTrail/DefaultLogGroup", namePrefix: "f0").map(\.pattern) == [
                "updated"
            ])
    }

    @Test("FilterLogEvents pages with nextToken without repeating or skipping events")
    func filterPaging() async throws {
        let s = try await service()
        try await s.putLogEvents(
            group: "CloudTrail/DefaultLogGroup", stream: "123456789012_CloudTrail_us-east-1",
            events: (0..<25).map { event(Self.now - 1000 + Int64($0), $0 % 2 == 0 ? "even \($0)" : "odd \($0)") })
        var token: String?
        var seen: [String] = []
        repeat {
            let page = try await s.filterLogEvents(
                group: "CloudTrail/DefaultLogGroup", filterPattern: "even", limit: 4, nextToken: token)
            seen += page.events.map { String(decoding: $0.message, as: UTF8.self) }
            token = page.nextToken
        } while token != nil
        #expect(seen == (0..<25).filter { $0 % 2 == 0 }.map { "even \($0)" })
    }
}

/// GetLogEvents reads one stream, from either end, with tokens.
struct GetLogEventsTests {
    @Test("finds its stream among more than 50 sharing a prefix, and pages forward from the head")
    func manyStreams() async throws {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"), now: { PutLogEventsTests.now })
        try await s.createLogGroup("g")
        for k in 0..<60 { try await s.createLogStream(group: "g", name: "s\(k)") }
        try await s.createLogStream(group: "g", name: "s")
        try await s.putLogEvents(
            group: "g", stream: "s",
            events: (0..<5).map {
                NewLogEvent(timestamp: PutLogEventsTests.now - 10 + Int64($0), message: Array("e\($0)".utf8))
            })
        let first = try await s.getLogEvents(group: "g", stream: "s", startFromHead: true, limit: 3)
        #expect(first.events.map { String(decoding: $0.message, as: UTF8.self) } == ["e0", "e1", "e2"])
        let next = try await s.getLogEvents(group: "g", stream: "s", limit: 3, nextToken: first.nextForwardToken)
        #expect(next.events.map { String(decoding: $0.message, as: UTF8.self) } == ["e3", "e4"])
        let tail = try await s.getLogEvents(group: "g", stream: "s", limit: 2)
        #expect(tail.events.map { String(decoding: $0.message, as: UTF8.self) } == ["e3", "e4"])
        await #expect(throws: CloudWatchLogsError.logStreamNotFound) {
            try await s.getLogEvents(group: "g", stream: "missing")
        }
    }
}
