import Foundation
import Testing
import VigilAPI
import VigilMetrics
import VigilService
import VigilStore

/// Events in the embedded metric format become metrics at ingest; malformed metadata yields none.
struct EmbeddedMetricsTests {
    static let now: Int64 = 1_795_600_020_000
    static let t: Int64 = 1_795_599_960_000  // a minute boundary before now

    func ingest(_ messages: [String]) async throws -> LogsService {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"), now: { Self.now })
        try await s.createLogGroup("app")
        try await s.createLogStream(group: "app", name: "emf")
        try await s.putLogEvents(
            group: "app", stream: "emf",
            events: messages.map { NewLogEvent(timestamp: Self.t, message: Array($0.utf8)) })
        #expect(
            try await s.filterLogEvents(group: "app").events.count == messages.count,
            "every event is stored, EMF or not")
        return s
    }

    func sums(
        _ s: LogsService, _ name: String, _ dims: [MetricKey.Dimension] = [], unit: String? = nil, period: Int = 60
    ) async throws -> [Double] {
        try await s.metrics.getMetricStatistics(
            namespace: "App", metricName: name, dimensions: dims, startTime: Self.t, endTime: Self.now, period: period,
            statistics: ["Sum"], unit: unit
        ).datapoints.compactMap { $0.values["Sum"] }
    }

    static func event(_ metadata: String, _ members: String) -> String {
        #"{"_aws":{"Timestamp":\#(t + 5_000),"CloudWatchMetrics":[\#(metadata)]},\#(members)}"#
    }

    @Test("each dimension set of a directive makes a metric; arrays are several values; units and resolution apply")
    func extractsMetrics() async throws {
        let s = try await ingest([
            Self.event(
                #"{"Namespace":"App","Dimensions":[["Service"],[]],"Metrics":[{"Name":"Latency","Unit":"Milliseconds"},{"Name":"Hits","StorageResolution":1}]}"#,
                #""Service":"api","Latency":[12,30],"Hits":3,"requestId":"r-1""#)
        ])
        let api = [MetricKey.Dimension(name: "Service", value: "api")]
        #expect(try await sums(s, "Latency", api) == [42])
        #expect(try await sums(s, "Latency") == [42])
        let p = try await s.metrics.getMetricStatistics(
            namespace: "App", metricName: "Latency", dimensions: api, startTime: Self.t, endTime: Self.now, period: 60,
            extendedStatistics: ["p50"])
        #expect(p.datapoints.map(\.unit) == ["Milliseconds"] && p.datapoints.first?.values["p50"] == 12)
        #expect(try await sums(s, "Hits", api, period: 1) == [3])  // StorageResolution 1: one-second periods
    }

    @Test(
        "broken metadata yields no metrics; a metric or dimension set with a bad member is skipped alone",
        arguments: [
            (
                event(
                    #"{"Namespace":"App","Dimensions":[[]],"Metrics":[{"Name":"Latency"}]}"#,
                    #""Latency":"slow","Other":1"#), 0
            ),
            (
                #"{"_aws":{"CloudWatchMetrics":[{"Namespace":"App","Dimensions":[[]],"Metrics":[{"Name":"Latency"}]}]},"Latency":1}"#,
                0
            ),
            (event(#"{"Dimensions":[[]],"Metrics":[{"Name":"Latency"}]}"#, #""Latency":1"#), 0),
            (
                event(
                    #"{"Namespace":"App","Dimensions":[[]],"Metrics":[{"Name":"Latency"},{"Name":"Missing"}]}"#,
                    #""Latency":7"#), 7
            ),
            (
                event(
                    #"{"Namespace":"App","Dimensions":[["Service"],[]],"Metrics":[{"Name":"Latency"}]}"#,
                    #""Service":5,"Latency":7"#), 7
            ),
            (
                event(
                    #"{"Namespace":"App","Dimensions":[[]],"Metrics":[{"Name":"Latency"}]}"#,
                    #""Latency":[\#((0..<101).map { _ in "1" }.joined(separator: ","))]"#), 0
            ),
            (#"not JSON, but mentions "_aws" anyway"#, 0),
            // A timestamp beyond any millisecond count is broken metadata, not a crash (it trapped once).
            (
                #"{"_aws":{"Timestamp":1e300,"CloudWatchMetrics":[{"Namespace":"App","Dimensions":[[]],"Metrics":[{"Name":"Latency"}]}]},"Latency":1}"#,
                0
            ),
            (
                #"{"_aws":{"Timestamp":-1,"CloudWatchMetrics":[{"Namespace":"App","Dimensions":[[]],"Metrics":[{"Name":"Latency"}]}]},"Latency":1}"#,
                0
            ),
            // Which of two values would count? A document naming a member twice is not EMF.
            (
                event(
                    #"{"Namespace":"App","Dimensions":[[]],"Metrics":[{"Name":"Latency"}]}"#,
                    #""Latency":1,"Latency":2"#),
                0
            ),
        ])
    func skipsBroken(_ message: String, _ expectedSum: Double) async throws {
        let s = try await ingest([message])
        #expect(try await sums(s, "Latency").reduce(0, +) == expectedSum)
        #expect(try await s.metrics.listMetrics(namespace: "App").metrics.count == (expectedSum > 0 ? 1 : 0))
    }
}
