import ArgumentParser
import Foundation
import VigilService

/// `vigil logs describe-metric-filters`.
struct DescribeMetricFiltersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-metric-filters", abstract: "List metric filters as JSON.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "Only this group's filters.") var group: String?
    @Option(
        name: .customLong("filter-name-prefix"),
        help: "Only filters whose name starts with this (needs --log-group-name).") var prefix: String?
    @Option(name: .customLong("metric-name"), help: "Only filters publishing this metric (with --metric-namespace).")
    var metricName: String?
    @Option(name: .customLong("metric-namespace"), help: "The metric's namespace (with --metric-name).")
    var metricNamespace: String?

    func run() throws {
        let service = try store.openService()
        try ServiceErrorExit.run("DescribeMetricFilters") {
            let filters = try service.describeMetricFilters(
                group: group, namePrefix: prefix, metricName: metricName, metricNamespace: metricNamespace)
            ServiceErrorExit.printJSON([
                "metricFilters": try filters.map { f in
                    [
                        "filterName": f.name, "filterPattern": f.pattern, "logGroupName": f.logGroupName,
                        "creationTime": f.creationTime,
                        "metricTransformations": try JSONSerialization.jsonObject(with: Data(f.transformations.utf8)),
                    ] as [String: Any]
                }
            ])
        }
    }
}

/// `vigil logs delete-metric-filter`.
struct DeleteMetricFilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-metric-filter", abstract: "Delete a metric filter (its metrics stay).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("filter-name"), help: "The filter's name.") var name: String

    func run() throws {
        let service = try store.openService()
        try ServiceErrorExit.run("DeleteMetricFilter") { try service.deleteMetricFilter(group: group, name: name) }
    }
}
