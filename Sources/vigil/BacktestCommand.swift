import ArgumentParser
import Foundation
import VigilAlarms
import VigilMetrics
import VigilService
import VigilStore

/// `vigil backtest`: one alarm over given datapoints (or the store's), at chosen instants, no server.
struct BacktestCommand: ParsableCommand {
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
        if let step, step < 1 { throw ValidationError("--step must be at least 1 second.") }
    }

    func run() throws {
        guard let alarmJSON = try MetricsCommand.json("file://" + alarmPath, "--alarm") as? [String: Any] else {
            throw ValidationError("--alarm must hold a JSON object.")
        }
        let alarm: MetricAlarm
        do { alarm = try MetricAlarm.fromPutMetricAlarm(alarmJSON) } catch {
            FileHandle.standardError.write(
                Data(
                    "An error occurred (\(error.code)) when calling the PutMetricAlarm operation: \(error.message)\n"
                        .utf8))
            throw ExitCode(254)
        }
        var times: [Int64]
        if let evaluateAt {
            times = try evaluateAt.split(separator: ",").map {
                try MetricsCommand.parseTime(String($0).trimmingCharacters(in: .whitespaces), default: Date())
            }
        } else {
            let start = try MetricsCommand.parseTime(from, default: Date())
            let end = try MetricsCommand.parseTime(to, default: Date())
            let stride = Int64(step ?? alarm.rule.periodSeconds) * 1000
            guard end >= start, (end - start) / stride < 100_000 else {
                throw ValidationError("--from must not be after --to, and the sweep holds at most 100,000 instants.")
            }
            times = Array(Swift.stride(from: start, through: end, by: Int(stride)).map { Int64($0) })
        }
        let datapoints: [MetricDatapoint]
        if let metricDataPath {
            datapoints = try Self.datapoints(file: metricDataPath)
        } else {
            let length = Int64(alarm.rule.periodSeconds) * 1000
            let first = (times.min() ?? 0) - Int64(alarm.rule.evaluationRange + 1) * length
            let last = times.max() ?? 0
            datapoints = try Self.stored(alarm, dataDirectory!, from: first, to: last)
        }
        let backtest = AlarmBacktest(alarm: alarm, datapoints: datapoints)
        ServiceErrorExit.printJSON([
            "evaluations": backtest.run(at: times).map { t, e in
                ["timestamp": MetricsCommand.format(t), "state": e.state.rawValue, "reason": e.reason]
            }
        ])
    }

    /// PutMetricData JSON: every datum checked as PutMetricData checks it (timestamps of any age).
    static func datapoints(file: String) throws -> [MetricDatapoint] {
        guard let root = try MetricsCommand.json("file://" + file, "--metric-data") as? [String: Any],
            let namespace = root["Namespace"] as? String,
            let list = root["MetricData"] as? [[String: Any]]
        else {
            throw ValidationError("--metric-data must hold {\"Namespace\": …, \"MetricData\": [ … ]}.")
        }
        var out: [MetricDatapoint] = []
        for (k, o) in list.enumerated() {
            let d = try PutMetricDataCommand.datum(o)
            guard let time = d.timestamp else {
                throw ValidationError("MetricData.member.\(k + 1) needs a Timestamp for a backtest.")
            }
            let key = MetricKey(
                namespace: namespace, name: d.metricName, dimensions: d.dimensions, unit: d.unit ?? "None")
            do {
                for set in try d.statisticSets(field: "MetricData.member.\(k + 1)") {
                    out.append(MetricDatapoint(key: key, timestamp: time, values: set))
                }
            } catch let error as ServiceError {
                throw ValidationError("\(error.code): \(error.message)")
            }
        }
        return out
    }

    /// The alarm's metric as stored: its aggregates (every unit, or the alarm's) between `from` and `to`.
    static func stored(_ alarm: MetricAlarm, _ directory: String, from: Int64, to: Int64) throws -> [MetricDatapoint] {
        try MetricsService(store: try SQLiteLogStore(path: directory + "/vigil.db"))
            .storedDatapoints(
                namespace: alarm.namespace, name: alarm.metricName, dimensions: alarm.dimensions, unit: alarm.unit,
                start: from, end: to, highResolution: alarm.rule.periodSeconds < 60)
    }
}
