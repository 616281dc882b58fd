import ArgumentParser
import VigilAPI
import VigilService

/// `vigil metrics get-metric-statistics`, printed as `aws cloudwatch get-metric-statistics` prints it.
struct GetMetricStatisticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-metric-statistics", abstract: "Statistics of one metric per period, as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("namespace"), help: "The metric's namespace.") var namespace: String
    @Option(name: .customLong("metric-name"), help: "The metric's name.") var name: String
    @Option(
        name: .customLong("dimensions"), parsing: .upToNextOption, help: "The metric's dimensions as Name=value pairs.")
    var dimensions: [String] = []
    @Option(name: .customLong("unit"), help: "Only data published with this unit (default: every unit).")
    var unit: String?
    @Option(name: .customLong("start-time"), help: "ISO 8601 start (inclusive); default one day ago.")
    var startTime: String?
    @Option(name: .customLong("end-time"), help: "ISO 8601 end (exclusive); default now.") var endTime: String?
    @Option(name: .customLong("period"), help: "Period in seconds: 1, 5, 10, 30 or a multiple of 60.")
    var period: Int32 = 60
    @Option(
        name: .customLong("statistics"), parsing: .upToNextOption, help: "SampleCount, Average, Sum, Minimum, Maximum."
    )
    var statistics: [String] = []
    @Option(
        name: .customLong("extended-statistics"), parsing: .upToNextOption, help: "Percentiles such as p99 or p99.9.")
    var extendedStatistics: [String] = []

    func run() async throws {
        try await AWSErrorExit.run("GetMetricStatistics") {
            let end = try endTime.map { try CLIJSON.timestamp($0, member: "EndTime") } ?? MetricsCommand.now()
            let start =
                try startTime.map { try CLIJSON.timestamp($0, member: "StartTime") }
                ?? Timestamp(millisecondsSinceEpoch: end.millisecondsSinceEpoch - 86_400_000)
            let named = statistics.isEmpty && extendedStatistics.isEmpty ? ["Sum"] : statistics
            let input = CloudWatch.GetMetricStatisticsInput(
                namespace: namespace, metricName: name, dimensions: try MetricsCommand.parseDimensions(dimensions),
                startTime: start, endTime: end, period: period,
                statistics: named.isEmpty
                    ? nil
                    : try named.enumerated().map {
                        try CLIJSON.cloudWatchValue(
                            CloudWatch.Statistic.self, $1, member: "Statistics.member.\($0 + 1)")
                    },
                extendedStatistics: extendedStatistics.isEmpty ? nil : extendedStatistics,
                unit: try unit.map { try CLIJSON.cloudWatchValue(CloudWatch.StandardUnit.self, $0, member: "Unit") })
            let service = try store.openService().metrics
            try await CLIJSON.print(try service.getMetricStatistics(input))
        }
    }
}
