import Foundation
import Testing
import VigilAPI
import VigilMetrics
import VigilPatterns
import VigilService
import VigilStore

/// A metric filter over 1,000 dimension combinations an hour keeps counting, with a report.
struct CardinalityTests {
    static let now: Int64 = 1_795_600_020_000

    @Test(
        "past 1,000 combinations in an hour, new ones count under OTHER; the sum stays whole and one warning is given")
    func overflowIsCountedAndReported() async throws {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"), now: { Self.now })
        try await s.createLogGroup("web")
        try await s.createLogStream(group: "web", name: "access")
        try await s.putMetricFilter(
            group: "web", name: "bytes-by-client", pattern: "[ip, bytes]",
            transformations: [
                MetricTransformation(
                    metricName: "Bytes", metricNamespace: "Web", metricValue: "$bytes", dimensions: ["Client": "$ip"])
            ])
        let hour = Period.floor(Self.now, to: 3_600_000)
        var warnings: [String] = []
        // 1,200 clients once each, then the first client again: 1,201 events of 10 bytes, in two batches.
        let lines = (0..<1_200).map { "10.0.\($0 / 256).\($0 % 256) 10" } + ["10.0.0.0 10"]
        for chunk in [lines[..<600], lines[600...]] {
            let events = chunk.enumerated().map {
                NewLogEvent(timestamp: hour + Int64($0.offset), message: Array($0.element.utf8))
            }
            warnings += try await s.putLogEvents(group: "web", stream: "access", events: events).warnings
        }
        #expect(warnings.count == 1 && warnings[0].contains("more than 1000 dimension combinations"))
        var count = 0
        var token: String? = nil
        repeat {
            let page = try await s.metrics.listMetrics(namespace: "Web", nextToken: token)
            count += page.metrics.count
            token = page.nextToken
        } while token != nil
        #expect(count == 1_001)  // the first 1,000 clients and OTHER
        func sum(_ client: String) async throws -> Double {
            try await s.metrics.getMetricStatistics(
                namespace: "Web", metricName: "Bytes", dimensions: [.init(name: "Client", value: client)],
                startTime: hour, endTime: Self.now, period: 3600, statistics: ["Sum"]
            ).datapoints.first?.values["Sum"] ?? 0
        }
        #expect(try await sum("OTHER") == 200 * 10)
        #expect(try await sum("10.0.0.0") == 20)  // an admitted combination keeps counting after the overflow
        #expect(try await sum("10.0.4.175") == 0)  // client 1,199 went to OTHER
    }
    @Test("after a restart, the hour's combinations already stored still count toward the 1,000")
    func restartKeepsCounting() async throws {
        let path = NSTemporaryDirectory() + "vigil-cardinality-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let hour = Period.floor(Self.now, to: 3_600_000)
        func events(_ clients: Range<Int>) -> [NewLogEvent] {
            clients.enumerated().map {
                NewLogEvent(
                    timestamp: hour + Int64($0.offset),
                    message: Array("10.1.\($0.element / 256).\($0.element % 256) 10".utf8))
            }
        }
        do {
            let s = LogsService(store: try SQLiteLogStore(path: path), now: { Self.now })
            try await s.createLogGroup("web")
            try await s.createLogStream(group: "web", name: "access")
            try await s.putMetricFilter(
                group: "web", name: "bytes-by-client", pattern: "[ip, bytes]",
                transformations: [
                    MetricTransformation(
                        metricName: "Bytes", metricNamespace: "Web", metricValue: "$bytes",
                        dimensions: ["Client": "$ip"])
                ])
            #expect(try await s.putLogEvents(group: "web", stream: "access", events: events(0..<900)).warnings.isEmpty)
        }
        // A new process over the same database: 200 new clients in the same hour pass the limit.
        let s = LogsService(store: try SQLiteLogStore(path: path), now: { Self.now })
        let warnings = try await s.putLogEvents(group: "web", stream: "access", events: events(900..<1_100)).warnings
        #expect(warnings.count == 1 && warnings[0].contains("more than 1000 dimension combinations"))
        let total = try await s.metrics.getMetricStatistics(
            namespace: "Web", metricName: "Bytes", dimensions: [.init(name: "Client", value: "OTHER")],
            startTime: hour, endTime: Self.now, period: 3600, statistics: ["Sum"])
        #expect((total.datapoints.first?.values["Sum"] ?? 0) == 100 * 10)  // clients 1,000 to 1,099
        // And a third process sees that this hour already overflowed: no second warning.
        let again = LogsService(store: try SQLiteLogStore(path: path), now: { Self.now })
        #expect(
            try await again.putLogEvents(group: "web", stream: "access", events: events(1_100..<1_101)).warnings.isEmpty
        )
    }
}
