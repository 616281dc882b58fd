import Foundation
import Testing

/// The guide's alarm end to end through the real binary: filter, CloudTrail ingest, alarm, evaluation, history.
struct AlarmsCommandTests {
    @Test("a console sign-in alarm goes to ALARM on the example CloudTrail file and back to OK, with its history")
    func consoleSignInAlarm() async throws {
        let dir = NSTemporaryDirectory() + "vigil-alarms-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = CLITests()
        let d = ["--data-dir", dir]
        func ok(_ args: [String]) async throws -> String { try await cli.output(args, dataDirectory: dir) }
        _ = try await ok([
            "logs", "put-metric-filter", "--log-group-name", "CloudTrail/DefaultLogGroup", "--filter-name",
            "ConsoleSignInFailures",
            "--filter-pattern", #"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
            "--metric-transformations",
            #"[{"metricName":"ConsoleSignInFailureCount","metricNamespace":"CloudTrailMetrics","metricValue":"1"}]"#,
        ])
        _ = try await ok(["ingest", "cloudtrail", BacktestCommandTests.root + "/examples/AWSLogs"])
        _ = try await ok([
            "alarms", "put-metric-alarm", "--cli-input-json",
            #"{"AlarmName":"SignIn","Namespace":"CloudTrailMetrics","MetricName":"ConsoleSignInFailureCount","Statistic":"Sum","Period":300,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanOrEqualToThreshold","TreatMissingData":"notBreaching"}"#,
        ])
        await #expect(
            try ok(["alarms", "evaluate", "--at", "2026-11-24T10:05:00Z"]).hasPrefix(
                "SignIn: ALARM: Threshold Crossed: 1 out of the last 1 datapoints [1.0"))
        await #expect(try ok(["alarms", "evaluate", "--at", "2026-11-24T10:06:00Z"]) == "no alarm changed state\n")
        await #expect(try ok(["alarms", "evaluate", "--at", "2026-11-24T10:30:00Z"]).hasPrefix("SignIn: OK:"))
        let list =
            try await JSONSerialization.jsonObject(with: Data(try ok(["alarms", "list", "--output", "json"]).utf8))
            as? [String: Any]
        #expect(((list?["MetricAlarms"] as? [[String: Any]])?.first?["StateValue"] as? String) == "OK")
        let history = try await ok(["alarms", "history", "SignIn"])
        #expect(
            history.contains("Alarm updated from ALARM to OK")
                && history.contains("Alarm updated from INSUFFICIENT_DATA to ALARM"))
        let bad = try await cli.run(["alarms", "put-metric-alarm", "--cli-input-json", #"{"AlarmName":"x"}"#] + d)
        #expect(
            bad.status == 254 && bad.stderr.contains("(MissingParameter) when calling the PutMetricAlarm operation"))
    }

    @Test(
        "a composite alarm with an ActionsSuppressor holds its notification while the suppressor is in ALARM, and describe says why"
    )
    func suppressedComposite() async throws {
        let dir = NSTemporaryDirectory() + "vigil-composite-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = CLITests()
        func ok(_ args: [String]) async throws -> String { try await cli.output(args, dataDirectory: dir) }
        for name in ["SignIn", "Maintenance"] {
            _ = try await ok([
                "alarms", "put-metric-alarm", "--cli-input-json",
                #"{"AlarmName":"\#(name)","Namespace":"CloudTrailMetrics","MetricName":"\#(name)Count","Statistic":"Sum","Period":300,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanOrEqualToThreshold","TreatMissingData":"notBreaching"}"#,
            ])
        }
        _ = try await ok([
            "alarms", "put-composite-alarm", "--cli-input-json",
            #"{"AlarmName":"Page","AlarmRule":"ALARM(SignIn)","AlarmActions":["arn:aws:sns:us-east-1:123456789012:page"],"ActionsSuppressor":"Maintenance","ActionsSuppressorWaitPeriod":120,"ActionsSuppressorExtensionPeriod":300}"#,
        ])
        _ = try await ok([
            "alarms", "set-alarm-state", "--alarm-name", "Maintenance", "--state-value", "ALARM", "--state-reason",
            "maintenance window",
        ])
        _ = try await ok([
            "alarms", "set-alarm-state", "--alarm-name", "SignIn", "--state-value", "ALARM", "--state-reason", "test",
        ])
        let page = try await #require(
            try JSONSerialization.jsonObject(with: Data(try ok(["alarms", "describe", "Page"]).utf8)) as? [String: Any])
        #expect(
            page["StateValue"] as? String == "ALARM" && page["ActionsSuppressedBy"] as? String == "Alarm"
                && page["ActionsSuppressedReason"] as? String == "Actions suppressed by Alarm")
        #expect(page["AlarmArn"] as? String == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:Page")
        await #expect(
            try ok(["alarms", "history", "Page", "--history-item-type", "Action", "--output", "json"]).contains(
                "Successfully executed") == false)
        let bad = try await cli.run([
            "alarms", "put-composite-alarm", "--data-dir", dir, "--cli-input-json",
            #"{"AlarmName":"X","AlarmRule":"TRUE","ActionsSuppressor":"Maintenance"}"#,
        ])
        #expect(
            bad.status == 254 && bad.stderr.contains("(MissingParameter) when calling the PutCompositeAlarm operation"))
    }
}
