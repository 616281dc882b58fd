import ArgumentParser
import Foundation
import VigilPatterns
import VigilService
import VigilStore

/// `vigil logs`: CloudWatch Logs operations on the local store, named as in the aws CLI.
struct LogsCommand: ParsableCommand {
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
struct PutMetricFilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-metric-filter",
        abstract: "Create or update a metric filter (the group is created when missing).")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The log group.") var group: String
    @Option(name: .customLong("filter-name"), help: "The filter's name.") var name: String
    @Option(name: .customLong("filter-pattern"), help: "The filter pattern.") var pattern: String
    @Option(
        name: .customLong("metric-transformations"),
        help:
            "JSON list as the API takes it, e.g. '[{\"metricName\":\"M\",\"metricNamespace\":\"N\",\"metricValue\":\"1\"}]'."
    )
    var transformations: String

    func run() throws {
        let service = try store.openService()
        try ServiceErrorExit.run("PutMetricFilter") {
            let list: [MetricTransformation]
            do { list = try JSONDecoder().decode([MetricTransformation].self, from: Data(transformations.utf8)) } catch
            {
                throw ServiceError.invalidParameter(
                    "--metric-transformations is not a JSON list of metric transformations: \(error)")
            }
            do { try service.createLogGroup(group) } catch let e as ServiceError
                where e.code == "ResourceAlreadyExistsException"
            {}
            try service.putMetricFilter(group: group, name: name, pattern: pattern, transformations: list)
        }
    }
}

/// `vigil logs describe-log-groups`.
struct DescribeLogGroupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-log-groups", abstract: "List log groups as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name-prefix"), help: "Only groups whose name starts with this.") var prefix:
        String?

    func run() throws {
        let service = try store.openService()
        try ServiceErrorExit.run("DescribeLogGroups") {
            var token: String?
            var all: [[String: Any]] = []
            repeat {
                let page = try service.describeLogGroups(prefix: prefix, nextToken: token)
                all += page.groups.map { g in
                    var d: [String: Any] = [
                        "logGroupName": g.name, "creationTime": g.creationTime,
                        "metricFilterCount": g.metricFilterCount, "storedBytes": g.storedBytes,
                    ]
                    if let r = g.retentionInDays { d["retentionInDays"] = r }
                    return d
                }
                token = page.nextToken
            } while token != nil
            ServiceErrorExit.printJSON(["logGroups": all])
        }
    }
}

/// `vigil logs filter-log-events`.
struct FilterLogEventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter-log-events", abstract: "Print the events of a group that match a filter pattern, as JSON.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The log group.") var group: String
    @Option(name: .customLong("filter-pattern"), help: "The filter pattern (all events when omitted).") var pattern:
        String?
    @Option(name: .customLong("limit"), help: "At most this many events (1 to 10000).") var limit: Int?

    func run() throws {
        let service = try store.openService()
        try ServiceErrorExit.run("FilterLogEvents") {
            let page = try service.filterLogEvents(group: group, filterPattern: pattern, limit: limit)
            var out: [String: Any] = [
                "events": page.events.map { e in
                    [
                        "logStreamName": e.streamName, "timestamp": e.timestamp, "ingestionTime": e.ingestionTime,
                        "message": String(decoding: e.message, as: UTF8.self), "eventId": String(e.id),
                    ] as [String: Any]
                }
            ]
            if let t = page.nextToken { out["nextToken"] = t }
            ServiceErrorExit.printJSON(out)
        }
    }
}
