import ArgumentParser
import Foundation
import VigilService
import VigilStore

/// `vigil logs create-log-stream`.
struct CreateLogStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-log-stream", abstract: "Create a log stream in a group.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("log-stream-name"), help: "The stream's name.") var stream: String

    func run() throws {
        let service = try store.openService()
        try ServiceErrorExit.run("CreateLogStream") { try service.createLogStream(group: group, name: stream) }
    }
}

/// `vigil logs delete-log-stream`.
struct DeleteLogStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-log-stream", abstract: "Delete a log stream and its events.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("log-stream-name"), help: "The stream's name.") var stream: String

    func run() throws {
        let service = try store.openService()
        try ServiceErrorExit.run("DeleteLogStream") { try service.deleteLogStream(group: group, name: stream) }
    }
}

/// `vigil logs describe-log-streams`, every page, printed as the aws CLI prints it.
struct DescribeLogStreamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-log-streams", abstract: "List a group's log streams as JSON.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("log-stream-name-prefix"), help: "Only streams whose name starts with this.") var prefix:
        String?
    @Option(name: .customLong("order-by"), help: "LogStreamName (default) or LastEventTime.") var orderBy =
        "LogStreamName"
    @Flag(name: .customLong("descending"), help: "Newest or last name first.") var descending = false

    func run() throws {
        guard let order = StreamOrder(rawValue: orderBy) else {
            throw ValidationError("--order-by must be LogStreamName or LastEventTime.")
        }
        let service = try store.openService()
        try ServiceErrorExit.run("DescribeLogStreams") {
            var token: String?
            var all: [[String: Any]] = []
            repeat {
                let page = try service.describeLogStreams(
                    group: group, prefix: prefix, orderBy: order, descending: descending, nextToken: token)
                all += page.streams.map { s in
                    var d: [String: Any] = [
                        "logStreamName": s.name, "creationTime": s.creationTime, "storedBytes": s.storedBytes,
                    ]
                    if let t = s.firstEventTimestamp { d["firstEventTimestamp"] = t }
                    if let t = s.lastEventTimestamp { d["lastEventTimestamp"] = t }
                    if let t = s.lastIngestionTime { d["lastIngestionTime"] = t }
                    return d
                }
                token = page.nextToken
            } while token != nil
            ServiceErrorExit.printJSON(["logStreams": all])
        }
    }
}

/// `vigil logs get-log-events`: one page of one stream, with the tokens to page on.
struct GetLogEventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-log-events", abstract: "Print one page of a stream's events as JSON.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group.") var group: String
    @Option(name: .customLong("log-stream-name"), help: "The stream.") var stream: String
    @Flag(name: .customLong("start-from-head"), help: "Oldest events first (default: the newest page).")
    var startFromHead = false
    @Option(name: .customLong("limit"), help: "At most this many events (1 to 10000).") var limit: Int?
    @Option(name: .customLong("next-token"), help: "A nextForwardToken or nextBackwardToken.") var nextToken: String?

    func run() throws {
        let service = try store.openService()
        try ServiceErrorExit.run("GetLogEvents") {
            let page = try service.getLogEvents(
                group: group, stream: stream, startFromHead: startFromHead, limit: limit, nextToken: nextToken)
            ServiceErrorExit.printJSON([
                "events": page.events.map { e in
                    [
                        "timestamp": e.timestamp, "ingestionTime": e.ingestionTime,
                        "message": String(decoding: e.message, as: UTF8.self),
                    ] as [String: Any]
                }, "nextForwardToken": page.nextForwardToken, "nextBackwardToken": page.nextBackwardToken,
            ])
        }
    }
}
