import ArgumentParser
import VigilAPI
import VigilService

/// `vigil logs create-log-stream`.
struct CreateLogStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-log-stream", abstract: "Create a log stream in a group.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("log-stream-name"), help: "The stream's name.") var stream: String

    func run() async throws {
        try await AWSErrorExit.run("CreateLogStream") {
            try await store.openService().createLogStream(.init(logGroupName: group, logStreamName: stream))
        }
    }
}

/// `vigil logs delete-log-stream`.
struct DeleteLogStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-log-stream", abstract: "Delete a log stream and its events.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("log-stream-name"), help: "The stream's name.") var stream: String

    func run() async throws {
        try await AWSErrorExit.run("DeleteLogStream") {
            try await store.openService().deleteLogStream(.init(logGroupName: group, logStreamName: stream))
        }
    }
}

/// `vigil logs describe-log-streams`, every page, printed as the aws CLI prints it.
struct DescribeLogStreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-log-streams", abstract: "List a group's log streams as JSON.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("log-stream-name-prefix"), help: "Only streams whose name starts with this.")
    var prefix: String?
    @Option(name: .customLong("order-by"), help: "LogStreamName (default) or LastEventTime.")
    var orderBy = "LogStreamName"
    @Flag(name: .customLong("descending"), help: "Newest or last name first.") var descending = false

    func run() async throws {
        try await AWSErrorExit.run("DescribeLogStreams") {
            let order = try CLIJSON.cloudWatchLogsValue(CloudWatchLogs.OrderBy.self, orderBy, member: "orderBy")
            let service = try store.openService()
            var input = CloudWatchLogs.DescribeLogStreamsInput(
                logGroupName: group, logStreamNamePrefix: prefix, orderBy: order, descending: descending)
            var all: [CloudWatchLogs.LogStream] = []
            repeat {
                let page = try await service.describeLogStreams(input)
                all += page.logStreams ?? []
                input.nextToken = page.nextToken
            } while input.nextToken != nil
            try CLIJSON.print(CloudWatchLogs.DescribeLogStreamsOutput(logStreams: all))
        }
    }
}

/// `vigil logs get-log-events`: one page of one stream, with the tokens to page on.
struct GetLogEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-log-events", abstract: "Print one page of a stream's events as JSON.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("log-stream-name"), help: "The stream.") var stream: String
    @Flag(name: .customLong("start-from-head"), help: "Oldest events first (default: the newest page).")
    var startFromHead = false
    @Option(name: .customLong("limit"), help: "At most this many events (1 to 10000).") var limit: Int32?
    @Option(name: .customLong("next-token"), help: "A nextForwardToken or nextBackwardToken.") var nextToken: String?

    func run() async throws {
        try await AWSErrorExit.run("GetLogEvents") {
            try await CLIJSON.print(
                try store.openService().getLogEvents(
                    .init(
                        logGroupName: group, logStreamName: stream, nextToken: nextToken, limit: limit,
                        startFromHead: startFromHead)))
        }
    }
}
