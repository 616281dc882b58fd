import ArgumentParser
import Foundation
import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilService
import VigilStore

/// `vigil backtest`: one alarm over given datapoints (or the store's), at chosen instants, no server.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract:
            "Evaluate one alarm (PutMetricAlarm JSON) over datapoints (PutMetricData JSON, or the store) at given instants.",
        discussion: """
            Prints {"evaluations":[{"timestamp":…,"state":…,"reason":…}]}. The state starts as INSUFFICIENT_DATA, as a new \
            alarm's does, and carries from one instant to the next. At an instant T the newest period judged is the last one \
            that ended at or before T (docs/alarms.md).
            """
    )

    @Option(
        name: .customLong("alarm"),
        help: "The alarm: a PutMetricAlarm JSON file (the aws CLI's --cli-input-json shape).") var alarmPath: String
    @Option(
        name: .customLong("metric-data"),
        help: "Datapoints: a JSON file {\"Namespace\": …, \"MetricData\": [MetricDatum…]}.") var metricDataPath: String?
    @Option(name: .customLong("data-dir"), help: "Replay the metric stored in this directory's vigil.db instead.")
    var dataDirectory: String?
    @Option(name: .customLong("evaluate-at"), help: "ISO 8601 instants, comma-separated.") var evaluateAt: String?
    @Option(name: .customLong("from"), help: "First instant of a sweep (ISO 8601).") var from: String?
    @Option(name: .customLong("to"), help: "Last instant of a sweep (ISO 8601, inclusive).") var to: String?
    @Option(name: .customLong("step"), help: "Seconds between the instants of a sweep; default the alarm's period.")
    var step: Int?

    func validate() throws {
        guard (metricDataPath == nil) != (dataDirectory == nil) else {
            throw ValidationError("give either --metric-data or --data-dir.")
        }
        guard (evaluateAt == nil) != (from == nil && to == nil) else {
            throw ValidationError("give either --evaluate-at or --from with --to.")
        }
        if evaluateAt == nil && (from == nil || to == nil) { throw ValidationError("--from and --to go together.") }
        if let step, step < 1 || step > Self.longestStep {
            throw ValidationError("--step must be from 1 to \(Self.longestStep) seconds (455 days), not \(step).")
        }
    }

    /// The longest step between instants: how long CloudWatch keeps any data.
    static let longestStep = 455 * 86_400

    func run() async throws {
        var alarm: MetricAlarm?
        try await AWSErrorExit.run("PutMetricAlarm") {
            alarm = try MetricAlarm(
                validating: try CLIJSON.cloudWatch(
                    CloudWatch.PutMetricAlarmInput.self, "file://" + alarmPath, option: "--alarm"))
        }
        guard let alarm else { return }
        try await AWSErrorExit.run("PutMetricData") {
            let times = try instants(period: alarm.rule.periodSeconds)
            let datapoints: [MetricDatapoint]
            if let metricDataPath {
                datapoints = try MetricsService.datapoints(
                    of: try CLIJSON.cloudWatch(
                        CloudWatch.PutMetricDataInput.self, "file://" + metricDataPath, option: "--metric-data"))
            } else {
                let length = Int64(alarm.rule.periodSeconds) * 1000
                let first = (times.min() ?? 0) - Int64(alarm.rule.evaluationRange + 1) * length
                datapoints = try await MetricsService(
                    store: try SQLiteLogStore(path: (dataDirectory ?? ".") + "/vigil.db")
                )
                .storedDatapoints(
                    namespace: alarm.namespace, name: alarm.metricName, dimensions: alarm.dimensions,
                    unit: alarm.unit, start: first, end: times.max() ?? 0,
                    highResolution: alarm.rule.periodSeconds < 60)
            }
            try CLIJSON.print(AlarmsService.backtest(alarm, datapoints: datapoints, at: times))
        }
    }

    /// The instants to evaluate at: those given, or a sweep from `--from` to `--to` by the step.
    func instants(period: Int) throws -> [Int64] {
        if let evaluateAt {
            return try evaluateAt.split(separator: ",").map {
                try CLIJSON.timestamp($0.trimmingCharacters(in: .whitespaces), member: "evaluate-at")
                    .millisecondsSinceEpoch
            }
        }
        let start = try CLIJSON.timestamp(from ?? "", member: "from").millisecondsSinceEpoch
        let end = try CLIJSON.timestamp(to ?? "", member: "to").millisecondsSinceEpoch
        let stride = Int64(step ?? period) * 1000
        guard end >= start, (end - start) / stride < 100_000 else {
            throw ValidationError("--from must not be after --to, and the sweep holds at most 100,000 instants.")
        }
        return Array(Swift.stride(from: start, through: end, by: Int(stride)).map { Int64($0) })
    }
}
