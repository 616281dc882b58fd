import ArgumentParser
import VigilAPI
import VigilService

/// `vigil logs create-log-group`.
struct CreateLogGroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create-log-group", abstract: "Create a log group.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group's name.") var group: String
    @Option(name: .customLong("tags"), parsing: .upToNextOption, help: "Key=value pairs.") var tags: [String] = []

    func run() async throws {
        let parsed = try TagResourceCommand.parseTags(tags)
        try await AWSErrorExit.run("CreateLogGroup") {
            try await store.openService().createLogGroup(
                .init(logGroupName: group, tags: parsed.isEmpty ? nil : parsed))
        }
    }
}

/// `vigil logs delete-log-group`: the group, its streams, events and metric filters.
struct DeleteLogGroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-log-group", abstract: "Delete a log group with its streams, events and metric filters.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group's name.") var group: String

    func run() async throws {
        try await AWSErrorExit.run("DeleteLogGroup") {
            try await store.openService().deleteLogGroup(.init(logGroupName: group))
        }
    }
}

/// `vigil logs put-retention-policy`.
struct PutRetentionPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-retention-policy",
        abstract: "Keep a group's events for this many days (AWS's allowed values).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group's name.") var group: String
    @Option(
        name: .customLong("retention-in-days"),
        help:
            "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
    )
    var days: Int32

    func run() async throws {
        try await AWSErrorExit.run("PutRetentionPolicy") {
            try await store.openService().putRetentionPolicy(.init(logGroupName: group, retentionInDays: days))
        }
    }
}

/// `vigil logs delete-retention-policy`.
struct DeleteRetentionPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-retention-policy", abstract: "Keep a group's events forever.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("log-group-name"), help: "The group's name.") var group: String

    func run() async throws {
        try await AWSErrorExit.run("DeleteRetentionPolicy") {
            try await store.openService().deleteRetentionPolicy(.init(logGroupName: group))
        }
    }
}
