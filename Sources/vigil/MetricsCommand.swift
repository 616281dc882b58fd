import ArgumentParser
import Foundation
import VigilMetrics
import VigilService

/// `vigil metrics`: CloudWatch metric queries on the local store (aws cloudwatch …).
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Query stored metrics (aws cloudwatch …).",
        subcommands: [GetMetricStatisticsCommand.self]
    )
}

/// `vigil metrics get-metric-statistics`.
struct GetMetricStatisticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get-metric-statistics", abstract: "Statistics of one metric per period, as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("namespace"), help: "The metric's namespace.") var namespace: String
    @Option(name: .customLong("metric-name"), help: "The metric's name.") var name: String
    @Option(name: .customLong("dimensions"), parsing: .upToNextOption, help: "Name=value pairs.") var dimensions: [String] = []
    @Option(name: .customLong("unit"), help: "The unit the datapoints were stored with.") var unit = "None"
    @Option(name: .customLong("start-time"), help: "ISO 8601 start (inclusive); default one day ago.") var startTime: String?
    @Option(name: .customLong("end-time"), help: "ISO 8601 end (exclusive); default now.") var endTime: String?
    @Option(name: .customLong("period"), help: "Period in seconds, a multiple of 60.") var period = 60
    @Option(name: .customLong("statistics"), parsing: .upToNextOption, help: "SampleCount, Average, Sum, Minimum, Maximum.")
    var statistics: [String] = ["Sum"]

    func validate() throws {
        for s in statistics where Statistic(rawValue: s) == nil {
            throw ValidationError("'\(s)' is not a statistic; use SampleCount, Average, Sum, Minimum or Maximum.")
        }
        for d in dimensions where !d.contains("=") { throw ValidationError("dimension '\(d)' must be Name=value.") }
    }

    static func parseTime(_ text: String?, default value: Date) throws -> Int64 {
        guard let text else { return Int64(value.timeIntervalSince1970 * 1000) }
        let f = ISO8601DateFormatter()
        guard let d = f.date(from: text) else { throw ValidationError("'\(text)' is not an ISO 8601 time such as 2026-11-25T10:00:00Z.") }
        return Int64(d.timeIntervalSince1970 * 1000)
    }

    func run() throws {
        let service = try store.openService()
        let end = try Self.parseTime(endTime, default: Date())
        let start = try Self.parseTime(startTime, default: Date(timeIntervalSince1970: Double(end) / 1000 - 86_400))
        let dims = dimensions.map { d -> MetricKey.Dimension in
            let parts = d.split(separator: "=", maxSplits: 1)
            return MetricKey.Dimension(name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
        let key = MetricKey(namespace: namespace, name: name, dimensions: dims, unit: unit)
        try ServiceErrorExit.run("GetMetricStatistics") {
            let periods = try service.metricStatistics(key, start: start, end: end, periodSeconds: period)
            let f = ISO8601DateFormatter()
            ServiceErrorExit.printJSON(["Label": name, "Datapoints": periods.map { p in
                var d: [String: Any] = ["Timestamp": f.string(from: Date(timeIntervalSince1970: Double(p.timestamp) / 1000)), "Unit": unit]
                for s in statistics { d[s] = p.values.value(of: Statistic(rawValue: s)!) }
                return d
            }])
        }
    }
}
