import Foundation
import Testing
import VigilAPI
import VigilPatterns
import VigilService
import VigilStore

/// A long-running ingest sees metric filters that another process changed, from its next batch on.
struct FilterChangesTests {
    static let now: Int64 = 1_795_600_020_000

    @Test("filters created, changed and deleted by a second service on the same database apply to the next batch")
    func anotherProcessesChanges() async throws {
        let path = NSTemporaryDirectory() + "vigil-filters-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        // Two services on two stores of one file: two processes, as far as SQLite can tell.
        let ingest = LogsService(store: try SQLiteLogStore(path: path), now: { Self.now })
        let admin = LogsService(store: try SQLiteLogStore(path: path), now: { Self.now })
        try await ingest.createLogGroup("app")
        try await ingest.createLogStream(group: "app", name: "s")
        func filter(_ pattern: String) -> [MetricTransformation] {
            [MetricTransformation(metricName: "Hits", metricNamespace: "App", metricValue: "1")]
        }
        var t = Self.now - 50_000
        func batch() async throws {
            let events = ["ERROR a", "WARN b", "ERROR c"].map { line -> NewLogEvent in
                t += 1
                return NewLogEvent(timestamp: t, message: Array(line.utf8))
            }
            _ = try await ingest.putLogEvents(group: "app", stream: "s", events: events)
        }
        func hits() async throws -> Double {
            try await ingest.metrics.getMetricStatistics(
                namespace: "App", metricName: "Hits", startTime: Self.now - 3_600_000, endTime: Self.now + 60_000,
                period: 3600, statistics: ["Sum"]
            ).datapoints.first?.values["Sum"] ?? 0
        }
        try await batch()  // no filter yet; the ingest has now cached "none"
        #expect(try await hits() == 0)
        try await admin.putMetricFilter(group: "app", name: "f", pattern: "ERROR", transformations: filter("ERROR"))
        try await batch()
        #expect(try await hits() == 2, "the filter created elsewhere counts from the next batch")
        try await admin.putMetricFilter(group: "app", name: "f", pattern: "WARN", transformations: filter("WARN"))
        try await batch()
        #expect(try await hits() == 3, "the filter changed elsewhere counts WARN now")
        try await admin.deleteMetricFilter(group: "app", name: "f")
        try await batch()
        #expect(try await hits() == 3, "the filter deleted elsewhere counts nothing")
    }
}
