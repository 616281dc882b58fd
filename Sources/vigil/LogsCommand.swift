import ArgumentParser
import VigilAPI
import VigilService

/// `vigil logs`: CloudWatch Logs operations on the local store, named as in the aws CLI.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Log groups, metric filters and events in the local store (aws logs …).",
        subcommands: [
            CreateLogGroupCommand.self, DeleteLogGroupCommand.self, DescribeLogGroupsCommand.self,
            PutRetentionPolicyCommand.self,
            DeleteRetentionPolicyCommand.self, CreateLogStreamCommand.self, DeleteLogStreamCommand.self,
            DescribeLogStreamsCommand.self,
            GetLogEventsCommand.self, FilterLogEventsCommand.self, PutMetricFilterCommand.self,
            DescribeMetricFiltersCommand.self,
            DeleteMetricFilterCommand.self, TagResourceCommand.self, UntagResourceCommand.self, ListTagsCommand.self,
        ]
    )
}

/// `vigil logs put-metric-filter`.
struct PutMetricFilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-metric-filter",
        abstract: "Create or update a metric filter (the group is created when missing)."
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The log group.") var group: String
    @Option(name: .customLong("filter-name"), help: "The filter's name.") var name: String
    @Option(name: .customLong("filter-pattern"), help: "The filter pattern.") var pattern: String
    @Option(
        name: .customLong("metric-transformations"),
        help:
            "JSON list as the API takes it, e.g. '[{\"metricName\":\"M\",\"metricNamespace\":\"N\",\"metricValue\":\"1\"}]', or file://path."
    )
    var transformations: String

    func run() async throws {
        try await AWSErrorExit.run("PutMetricFilter") {
            let list = try CLIJSON.cloudWatchLogs(
                [CloudWatchLogs.MetricTransformation].self, transformations, option: "--metric-transformations",
                at: [.member("metricTransformations")])
            let service = try store.openService()
            try await service.ensureLogGroup(group)
            try await service.putMetricFilter(
                .init(logGroupName: group, filterName: name, filterPattern: pattern, metricTransformations: list))
        }
    }
}

/// `vigil logs describe-log-groups`, every page, printed as the aws CLI prints it.
struct DescribeLogGroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-log-groups", abstract: "List log groups as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name-prefix"), help: "Only groups whose name starts with this.")
    var prefix: String?

    func run() async throws {
        try await AWSErrorExit.run("DescribeLogGroups") {
            let service = try store.openService()
            var input = CloudWatchLogs.DescribeLogGroupsInput(logGroupNamePrefix: prefix)
            var all: [CloudWatchLogs.LogGroup] = []
            repeat {
                let page = try await service.describeLogGroups(input)
                all += page.logGroups ?? []
                input.nextToken = page.nextToken
            } while input.nextToken != nil
            try CLIJSON.print(CloudWatchLogs.DescribeLogGroupsOutput(logGroups: all))
        }
    }
}

/// `vigil logs filter-log-events`.
struct FilterLogEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter-log-events", abstract: "Print the events of a group that match a filter pattern, as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The log group.") var group: String
    @Option(name: .customLong("filter-pattern"), help: "The filter pattern (all events when omitted).")
    var pattern: String?
    @Option(name: .customLong("limit"), help: "At most this many events (1 to 10000).") var limit: Int32?
    @Option(name: .customLong("next-token"), help: "The nextToken of the previous page.") var nextToken: String?

    func run() async throws {
        try await AWSErrorExit.run("FilterLogEvents") {
            try await CLIJSON.print(
                try store.openService().filterLogEvents(
                    .init(logGroupName: group, filterPattern: pattern, nextToken: nextToken, limit: limit)))
        }
    }
}
