import ArgumentParser
import Foundation
import VigilMetrics
import VigilService

/// `vigil metrics list-metrics`, printed as `aws cloudwatch list-metrics` prints it.
struct ListMetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-metrics", abstract: "List metrics, 500 per page, as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("namespace"), help: "Only this namespace.") var namespace: String?
    @Option(name: .customLong("metric-name"), help: "Only this metric name.") var name: String?
    @Option(
        name: .customLong("dimensions"), parsing: .upToNextOption,
        help: "Name or Name=value: metrics that have these dimensions.")
    var dimensions: [String] = []
    @Option(name: .customLong("recently-active"), help: "PT3H: only metrics published to in the past three hours.")
    var recentlyActive: String?
    @Option(name: .customLong("next-token"), help: "The NextToken of the previous page.") var nextToken: String?

    func run() throws {
        let service = try store.openService().metrics
        let filters = try KeyValueArguments.pairs(dimensions, what: "dimension", valueOptional: true).map {
            DimensionFilter(name: $0.key, value: $0.value)
        }
        try ServiceErrorExit.run("ListMetrics") {
            let r = try service.listMetrics(
                namespace: namespace, metricName: name, dimensions: filters, recentlyActive: recentlyActive,
                nextToken: nextToken)
            var out: [String: Any] = [
                "Metrics": r.metrics.map { m in
                    [
                        "Namespace": m.namespace, "MetricName": m.name,
                        "Dimensions": m.dimensions.map { ["Name": $0.name, "Value": $0.value] },
                    ] as [String: Any]
                }
            ]
            if let token = r.nextToken { out["NextToken"] = token }
            ServiceErrorExit.printJSON(out)
        }
    }
}
