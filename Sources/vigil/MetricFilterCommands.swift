import ArgumentParser
import VigilAPI
import VigilService

/// `vigil logs describe-metric-filters`.
struct DescribeMetricFiltersCommand: AsyncParsableCommand {
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

    func run() async throws {
        try await AWSErrorExit.run("DescribeMetricFilters") {
            try await CLIJSON.print(
                try store.openService().describeMetricFilters(
                    .init(
                        logGroupName: group, filterNamePrefix: prefix, metricName: metricName,
                        metricNamespace: metricNamespace)))
        }
    }
}

/// `vigil logs delete-metric-filter`.
struct DeleteMetricFilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-metric-filter", abstract: "Delete a metric filter (its metrics stay).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("filter-name"), help: "The filter's name.") var name: String

    func run() async throws {
        try await AWSErrorExit.run("DeleteMetricFilter") {
            try await store.openService().deleteMetricFilter(.init(logGroupName: group, filterName: name))
        }
    }
}
