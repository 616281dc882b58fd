import ArgumentParser
import VigilAPI
import VigilService

/// `vigil metrics get-metric-data`, printed as `aws cloudwatch get-metric-data` prints it.
struct GetMetricDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-metric-data",
        abstract: "Values of MetricStat queries per period, as JSON.",
        discussion:
            "--metric-data-queries takes the aws CLI's JSON list (Id, MetricStat {Metric {Namespace, MetricName, Dimensions}, Period, Stat, Unit}, Label, ReturnData), inline or as file://path."
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("metric-data-queries"), help: "A JSON list of MetricDataQuery objects, or file://path.")
    var queries: String
    @Option(name: .customLong("start-time"), help: "ISO 8601 start (inclusive).") var startTime: String
    @Option(name: .customLong("end-time"), help: "ISO 8601 end (exclusive).") var endTime: String
    @Option(name: .customLong("scan-by"), help: "TimestampDescending (default) or TimestampAscending.")
    var scanBy = "TimestampDescending"
    @Option(name: .customLong("max-datapoints"), help: "At most this many values in all per page.")
    var maxDatapoints: Int32?
    @Option(name: .customLong("next-token"), help: "The NextToken of the previous page.") var nextToken: String?

    func run() async throws {
        try await AWSErrorExit.run("GetMetricData") {
            let input = CloudWatch.GetMetricDataInput(
                metricDataQueries: try CLIJSON.cloudWatch(
                    [CloudWatch.MetricDataQuery].self, queries, option: "--metric-data-queries",
                    at: [.member("MetricDataQueries")]),
                startTime: try CLIJSON.timestamp(startTime, member: "StartTime"),
                endTime: try CLIJSON.timestamp(endTime, member: "EndTime"), nextToken: nextToken,
                scanBy: try CLIJSON.cloudWatchValue(CloudWatch.ScanBy.self, scanBy, member: "ScanBy"),
                maxDatapoints: maxDatapoints)
            let service = try store.openService().metrics
            try await CLIJSON.print(try service.getMetricData(input))
        }
    }
}
