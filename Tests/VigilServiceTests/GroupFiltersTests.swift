import Foundation
import Testing
import VigilAPI
import VigilMetrics
import VigilPatterns
import VigilService
import VigilStore

/// All filters of a group are evaluated together at ingest; each must still count what it counts alone.
struct GroupFiltersTests {
    static let now: Int64 = 1_795_600_000_000

    static let filters: [(String, MetricTransformation)] = [
        (
            #"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
            .init(metricName: "SignInFailures", metricNamespace: "T", metricValue: "1")
        ),
        (
            #"{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupIngress) }"#,
            .init(metricName: "SecurityGroups", metricNamespace: "T", metricValue: "1")
        ),
        (
            #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }"#,
            .init(metricName: "Root", metricNamespace: "T", metricValue: "1")
        ),
        (#"{ $.errorCode = "AccessDenied*" }"#, .init(metricName: "Denied", metricNamespace: "T", metricValue: "1")),
        (
            #"{ $.eventName = ConsoleLogin }"#,
            .init(metricName: "LoginBytes", metricNamespace: "T", metricValue: "$.bytes")
        ),
        ("ERROR", .init(metricName: "Errors", metricNamespace: "T", metricValue: "1", defaultValue: 0)),
        (#"?timeout ?"connection reset""#, .init(metricName: "Network", metricNamespace: "T", metricValue: "2")),
        (
            "[level, user, bytes > 100]",
            .init(
                metricName: "BigTransfers", metricNamespace: "T", metricValue: "$bytes", dimensions: ["User": "$user"])
        ),
        ("", .init(metricName: "All", metricNamespace: "T", metricValue: "1")),
    ]

    /// A mixed stream: CloudTrail-like JSON, delimited lines, free text, a multi-line event, broken JSON.
    static func messages(count: Int) async -> [String] {
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let names = [
            "ConsoleLogin", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "DescribeInstances",
            "PutObject",
        ]
        return (0..<count).map { k in
            switch next(6) {
            case 0, 1:
                let root =
                    next(4) == 0
                    ? #""type":"Root""# + (next(2) == 0 ? #","invokedBy":"s3""# : "") : #""type":"IAMUser""#
                let error =
                    next(3) == 0
                    ? #","errorMessage":"Failed authentication""#
                    : (next(3) == 0 ? #","errorCode":"AccessDenied\#(next(3))""# : "")
                let bytes = next(3) == 0 ? #","bytes":"many""# : #","bytes":\#(next(500))"#
                return #"{"eventName":"\#(names[next(names.count)])","userIdentity":{\#(root)}\#(error)\#(bytes)}"#
            case 2: return "INFO user\(next(4)) \(next(300))"
            case 3: return next(2) == 0 ? "ERROR request \(k) failed: timeout" : "WARN connection reset by peer"
            case 4: return "{\"eventName\":\n\"ConsoleLogin\",\n\"bytes\": 7}\nERROR in a multi-line event"
            default: return "{\"eventName\":\"ConsoleLogin\",\"bytes\":3"  // not JSON
            }
        }
    }

    @Test(
        "every filter of a group counts, sums and splits by dimension what an independent reading of the events says"
    )
    func sharedEvaluationAgreesWithEachFilter() async throws {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"), now: { Self.now })
        try await s.createLogGroup("g")
        try await s.createLogStream(group: "g", name: "s")
        for (k, (pattern, t)) in Self.filters.enumerated() {
            try await s.putMetricFilter(group: "g", name: "f\(k)", pattern: pattern, transformations: [t])
        }
        let messages = await Self.messages(count: 3_000)
        let start = Self.now - 3_600_000
        // One event per second, for 50 minutes.
        for chunk in stride(from: 0, to: messages.count, by: 500) {
            let events = (chunk..<min(chunk + 500, messages.count)).map {
                NewLogEvent(timestamp: start + Int64($0) * 1000, message: Array(messages[$0].utf8))
            }
            try await s.putLogEvents(group: "g", stream: "s", events: events)
        }
        let oracle = Self.oracle(messages)
        for (pattern, t) in Self.filters {
            let expected = oracle[t.metricName] ?? [:]
            #expect(!expected.isEmpty, "\(pattern) matches something in the stream")
            for (key, want) in expected {
                let periods = try await s.metricStatistics(key, start: start, end: Self.now, periodSeconds: 3600)
                let got = (periods.map(\.values.sampleCount).reduce(0, +), periods.map(\.values.sum).reduce(0, +))
                #expect(got.0 == want.count && got.1 == want.sum, "\(pattern) \(key.dimensions)")
            }
        }
    }

    /// What each filter of ``filters`` must count, worked out from the messages with Foundation's JSON
    /// parser and plain string tests (the filter-pattern semantics of AWS's documentation, written out
    /// for these nine filters), independent of the pattern compiler. By metric name: key → (count, sum).
    static func oracle(_ messages: [String]) -> [String: [MetricKey: (count: Double, sum: Double)]] {
        var out: [String: [MetricKey: (count: Double, sum: Double)]] = [:]
        func add(_ name: String, _ value: Double, _ dimensions: [MetricKey.Dimension] = []) {
            let key = MetricKey(namespace: "T", name: name, dimensions: dimensions)
            out[name, default: [:]][key, default: (0, 0)].count += 1
            out[name, default: [:]][key, default: (0, 0)].sum += value
        }
        for m in messages {
            let json = (try? JSONSerialization.jsonObject(with: Data(m.utf8))) as? [String: Any]
            if let json {
                let name = json["eventName"] as? String
                let identity = json["userIdentity"] as? [String: Any]
                if name == "ConsoleLogin", json["errorMessage"] as? String == "Failed authentication" {
                    add("SignInFailures", 1)
                }
                if name == "AuthorizeSecurityGroupIngress" || name == "RevokeSecurityGroupIngress" {
                    add("SecurityGroups", 1)
                }
                if identity?["type"] as? String == "Root", identity?["invokedBy"] == nil { add("Root", 1) }
                if (json["errorCode"] as? String)?.hasPrefix("AccessDenied") == true { add("Denied", 1) }
                // A value that is not a number (`"bytes":"many"`) matches but publishes nothing.
                if name == "ConsoleLogin", let bytes = json["bytes"] as? NSNumber, !(json["bytes"] is String) {
                    add("LoginBytes", bytes.doubleValue)
                }
            }
            // defaultValue 0 for every event the pattern does not match (the API reference's definition).
            add("Errors", m.contains("ERROR") ? 1 : 0)
            if m.contains("timeout") || m.contains("connection reset") { add("Network", 2) }
            let fields = m.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count == 3, let bytes = Double(fields[2]), bytes > 100 {
                add("BigTransfers", bytes, [.init(name: "User", value: String(fields[1]))])
            }
            add("All", 1)
        }
        return out
    }
}
