import ArgumentParser
import VigilAPI
import VigilService

/// `vigil metrics list-metrics`, printed as `aws cloudwatch list-metrics` prints it.
struct ListMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-metrics", abstract: "List metrics, 500 per page, as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("namespace"), help: "Only this namespace.") var namespace: String?
    @Option(name: .customLong("metric-name"), help: "Only this metric name.") var name: String?
    @Option(
        name: .customLong("dimensions"), parsing: .upToNextOption,
        help: "Name or Name=value: metrics that have these dimensions.")
    var dimensions: [String] = []
    @Option(
        name: .customLong("recently-active"), help: "PT3H: only metrics published to in the past three hours.")
    var recentlyActive: String?
    @Option(name: .customLong("next-token"), help: "The NextToken of the previous page.") var nextToken: String?

    func run() async throws {
        try await AWSErrorExit.run("ListMetrics") {
            let filters = try KeyValueArguments.pairs(dimensions, what: "dimension", valueOptional: true).map {
                CloudWatch.DimensionFilter(name: $0.key, value: $0.value)
            }
            let input = CloudWatch.ListMetricsInput(
                namespace: namespace, metricName: name, dimensions: filters, nextToken: nextToken,
                recentlyActive: try recentlyActive.map {
                    try CLIJSON.cloudWatchValue(CloudWatch.RecentlyActive.self, $0, member: "RecentlyActive")
                })
            let service = try store.openService().metrics
            try await CLIJSON.print(try service.listMetrics(input))
        }
    }
}
