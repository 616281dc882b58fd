import ArgumentParser
import Foundation
import VigilMetrics
import VigilService

/// `vigil metrics get-metric-statistics`, printed as `aws cloudwatch get-metric-statistics` prints it.
struct GetMetricStatisticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-metric-statistics", abstract: "Statistics of one metric per period, as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("namespace"), help: "The metric's namespace.") var namespace: String
    @Option(name: .customLong("metric-name"), help: "The metric's name.") var name: String
    @Option(
        name: .customLong("dimensions"), parsing: .upToNextOption, help: "The metric's dimensions as Name=value pairs.")
    var dimensions: [String] = []
    @Option(name: .customLong("unit"), help: "Only data published with this unit (default: every unit).") var unit:
        String?
    @Option(name: .customLong("start-time"), help: "ISO 8601 start (inclusive); default one day ago.") var startTime:
        String?
    @Option(name: .customLong("end-time"), help: "ISO 8601 end (exclusive); default now.") var endTime: String?
    @Option(name: .customLong("period"), help: "Period in seconds: 1, 5, 10, 30 or a multiple of 60.") var period = 60
    @Option(
        name: .customLong("statistics"), parsing: .upToNextOption, help: "SampleCount, Average, Sum, Minimum, Maximum.")
    var statistics: [String] = []
    @Option(
        name: .customLong("extended-statistics"), parsing: .upToNextOption, help: "Percentiles such as p99 or p99.9.")
    var extendedStatistics: [String] = []

    func run() throws {
        let service = try store.openService().metrics
        let end = try MetricsCommand.parseTime(endTime, default: Date())
        let start = try MetricsCommand.parseTime(
            startTime, default: Date(timeIntervalSince1970: Double(end) / 1000 - 86_400))
        let dims = try MetricsCommand.parseDimensions(dimensions)
        try ServiceErrorExit.run("GetMetricStatistics") {
            let r = try service.getMetricStatistics(
                namespace: namespace, metricName: name, dimensions: dims, startTime: start, endTime: end,
                period: period,
                statistics: statistics.isEmpty && extendedStatistics.isEmpty ? ["Sum"] : statistics,
                extendedStatistics: extendedStatistics, unit: unit)
            ServiceErrorExit.printJSON([
                "Label": r.label,
                "Datapoints": r.datapoints.map { p in
                    var d: [String: Any] = ["Timestamp": MetricsCommand.format(p.timestamp), "Unit": p.unit]
                    var extended: [String: Double] = [:]
                    for (k, v) in p.values { if k.hasPrefix("p") { extended[k] = v } else { d[k] = v } }
                    if !extended.isEmpty { d["ExtendedStatistics"] = extended }
                    return d
                },
            ])
        }
    }
}
