import Foundation
import Testing
import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilService

/// PutMetricAlarm's parameters, checked as CloudWatch checks them; backtests over datapoints.
struct MetricAlarmTests {
    static var base: [String: Any] {
        [
            "AlarmName": "ConsoleSignInFailures", "Namespace": "CloudTrailMetrics",
            "MetricName": "ConsoleSignInFailureCount",
            "Statistic": "Sum", "Period": 300, "EvaluationPeriods": 1, "Threshold": 3,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        ]
    }

    /// `base` with the changes of a JSON object applied (`null` removes a parameter), as PutMetricAlarm's
    /// JSON decoded by the API decoder and checked: what the aws CLI's `--cli-input-json` and the server get.
    static func with(json: String) throws -> MetricAlarm {
        var p = base
        let changes = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        for (k, v) in changes { p[k] = v is NSNull ? nil : v }
        let text = try JSONSerialization.data(withJSONObject: p)
        let input: CloudWatch.PutMetricAlarmInput
        do { input = try APIDecoder.decode(CloudWatch.PutMetricAlarmInput.self, from: [UInt8](text)) } catch {
            throw CloudWatchError(error)
        }
        return try MetricAlarm(validating: input)
    }

    @Test(
        "refuses what CloudWatch refuses, naming the parameter",
        arguments: [
            (#"{"AlarmName": null}"#, "MissingParameter", "AlarmName"),
            (#"{"Threshold": null}"#, "MissingParameter", "Threshold"),
            (#"{"ExtendedStatistic": "p99"}"#, "InvalidParameterCombination", "Statistic and ExtendedStatistic"),
            (#"{"Statistic": "Median"}"#, "InvalidParameterValue", "Statistic"),
            (#"{"Statistic": null, "ExtendedStatistic": "p100.123"}"#, "InvalidParameterValue", "ExtendedStatistic"),
            (#"{"Period": 45}"#, "InvalidParameterValue", "Period must be 10, 20, 30, or a multiple of 60"),
            (#"{"Period": 60, "EvaluationPeriods": 1441}"#, "InvalidParameterValue", "at most 86400 seconds"),
            (#"{"Period": 3600, "EvaluationPeriods": 169}"#, "InvalidParameterValue", "at most 604800 seconds"),
            (#"{"EvaluationPeriods": 3, "DatapointsToAlarm": 4}"#, "InvalidParameterValue", "DatapointsToAlarm"),
            (
                #"{"ComparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold"}"#, "InvalidParameterValue",
                "anomaly detection"
            ),
            (#"{"TreatMissingData": "zero"}"#, "InvalidParameterValue", "TreatMissingData"),
            (#"{"EvaluateLowSampleCountPercentile": "ignore"}"#, "InvalidParameterCombination", "percentile"),
            (#"{"Unit": "Furlongs"}"#, "InvalidParameterValue", "Unit"),
            (#"{"Threshold": true}"#, "InvalidParameterValue", "Threshold must be a number"),
            (#"{"AlarmActions": ["a", "b", "c", "d", "e", "f"]}"#, "InvalidParameterValue", "greater than 5"),
        ])
    func refuses(_ changes: String, _ code: String, _ text: String) {
        do {
            _ = try Self.with(json: changes)
            Issue.record("accepted \(changes)")
        } catch let error as CloudWatchError {
            #expect(error.code.queryCode == code && error.message.contains(text), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("accepts the high-resolution periods 10, 20 and 30 seconds", arguments: [10, 20, 30])
    func highResolutionPeriods(_ period: Int) throws {
        let a = try Self.with(json: #"{"Period": \#(period)}"#)
        #expect(a.rule.periodSeconds == period)
    }

    @Test("accepts the guide's alarm and a percentile alarm with its options")
    func accepts() throws {
        let a = try Self.with(json: "{}")
        #expect(a.rule.datapointsToAlarm == 1 && a.rule.treatMissingData == .missing && a.statistic == .simple(.sum))
        let p = try Self.with(
            json:
                #"{"Statistic": null, "ExtendedStatistic": "p99", "EvaluateLowSampleCountPercentile": "ignore", "EvaluationPeriods": 5, "DatapointsToAlarm": 3, "TreatMissingData": "breaching"}"#
        )
        #expect(
            p.rule.percentile == 99 && !p.rule.evaluateLowSampleCountPercentile && p.rule.datapointsToAlarm == 3
                && p.rule.treatMissingData == .breaching)
    }

    @Test(
        "a backtest carries the state between instants, judges the last finished period, and keeps the reason of the last transition"
    )
    func backtest() throws {
        let alarm = try Self.with(json: #"{"TreatMissingData": "notBreaching"}"#)
        let key = MetricKey(namespace: "CloudTrailMetrics", name: "ConsoleSignInFailureCount")
        let t0: Int64 = 1_795_600_200_000  // a 5-minute boundary
        let points =
            [(t0 + 10_000, 1.0), (t0 + 300_000, 2), (t0 + 400_000, 2), (t0 + 600_000, 1)]
            .map { MetricDatapoint(key: key, timestamp: $0.0, value: $0.1) }
            + [
                MetricDatapoint(
                    key: MetricKey(namespace: "CloudTrailMetrics", name: "Other"), timestamp: t0 + 300_000, value: 99)
            ]
        let run = AlarmBacktest(alarm: alarm, datapoints: points).run(at: [
            t0 + 300_000, t0 + 600_000, t0 + 899_999, t0 + 900_000, t0 + 2_400_000,
        ])
        #expect(run.map(\.evaluation.state) == [.ok, .alarm, .alarm, .ok, .ok])
        #expect(run[2].evaluation.reason == run[1].evaluation.reason)  // 10:14:59 still judges the period 10:05–10:10
        // unchanged: the transition's reason stays
        #expect(run[4].evaluation.reason.contains("no datapoints were received") == false)
    }
}
