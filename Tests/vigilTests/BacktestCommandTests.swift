import Foundation
import Testing

/// `vigil backtest` on the example alarm and datapoints, and on the store.
struct BacktestCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func states(_ output: String) throws -> [String] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        return (json["evaluations"] as? [[String: Any]])?.compactMap { $0["state"] as? String } ?? []
    }

    @Test("the example alarm over the example datapoints: OK, ALARM at 10:10, OK again")
    func exampleFiles() async throws {
        let r = try await CLITests().run([
            "backtest", "--alarm", Self.root + "/examples/alarms/console-sign-in-failures.json",
            "--metric-data", Self.root + "/examples/alarms/console-sign-in-failures-data.json",
            "--evaluate-at", "2026-11-24T10:05:00Z,2026-11-24T10:10:00Z,2026-11-24T10:15:00Z",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try states(r.stdout) == ["OK", "ALARM", "OK"])
    }

    @Test(
        "a sweep's --step at and beyond its bounds",
        arguments: [("0", false), ("1", true), ("39312000", true), ("39312001", false), ("9223372036854775807", false)])
    func stepBounds(_ step: String, _ accepted: Bool) async throws {
        let r = try await CLITests().run([
            "backtest", "--alarm", Self.root + "/examples/alarms/console-sign-in-failures.json",
            "--metric-data", Self.root + "/examples/alarms/console-sign-in-failures-data.json",
            "--from", "2026-11-24T10:00:00Z", "--to", "2026-11-24T10:00:05Z", "--step", step,
        ])
        #expect((r.status == 0) == accepted, "\(step): \(r.stderr)")
        if !accepted { #expect(r.stderr.contains("--step must be from 1 to 39312000 seconds"), "\(r.stderr)") }
    }

    @Test("replays the metric a metric filter stored, and refuses an invalid alarm like PutMetricAlarm")
    func replayAndErrors() async throws {
        let dir = NSTemporaryDirectory() + "vigil-backtest-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = CLITests()
        _ = try await cli.run([
            "logs", "put-metric-filter", "--data-dir", dir, "--log-group-name", "CloudTrail/DefaultLogGroup",
            "--filter-name", "f",
            "--filter-pattern", #"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
            "--metric-transformations",
            #"[{"metricName":"ConsoleSignInFailureCount","metricNamespace":"CloudTrailMetrics","metricValue":"1"}]"#,
        ])
        let ingest = try await cli.run(["ingest", "cloudtrail", "--data-dir", dir, Self.root + "/examples/AWSLogs"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        // The sample holds two failed sign-ins at 10:00:00 and 10:09:45: one per 5-minute period, under the threshold of 3.
        let r = try await cli.run([
            "backtest", "--alarm", Self.root + "/examples/alarms/console-sign-in-failures.json", "--data-dir", dir,
            "--from", "2026-11-24T10:05:00Z", "--to", "2026-11-24T10:15:00Z",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try states(r.stdout) == ["OK", "OK", "OK"])
        let badAlarm = dir + "/bad.json"
        try Data(
            #"{"AlarmName":"x","Namespace":"N","MetricName":"M","Statistic":"Sum","Period":45,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold"}"#
                .utf8
        )
        .write(to: URL(fileURLWithPath: badAlarm))
        let bad = try await cli.run([
            "backtest", "--alarm", badAlarm, "--data-dir", dir, "--evaluate-at", "2026-11-24T10:05:00Z",
        ])
        #expect(
            bad.status == 254
                && bad.stderr.contains("(InvalidParameterValue) when calling the PutMetricAlarm operation"))
    }
}
