import ArgumentParser
import VigilAPI
import VigilService

/// A log group named by `--resource-arn` (aws logs tag-resource) or `--log-group-name` (tag-log-group).
struct LogGroupTarget: ParsableArguments {
    @Option(name: .customLong("resource-arn"), help: "arn:aws:logs:REGION:ACCOUNT:log-group:NAME") var arn: String?
    @Option(name: .customLong("log-group-name"), help: "The log group's name (instead of its ARN).") var name: String?

    func validate() throws {
        guard (arn == nil) != (name == nil) else {
            throw ValidationError("give either --resource-arn or --log-group-name.")
        }
    }

    /// The ARN the operation takes: the one given, or the group's.
    func resourceArn() -> String { arn ?? AWSAccount.standard.logGroupARN(name ?? "") }
}

/// `vigil logs tag-resource` (alias `tag-log-group`).
struct TagResourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag-resource", abstract: "Add or replace tags of a log group.", aliases: ["tag-log-group"])

    @OptionGroup var store: StoreOptions
    @OptionGroup var target: LogGroupTarget
    @Option(name: .customLong("tags"), parsing: .upToNextOption, help: "Key=value pairs (also Key=value,Key2=value2).")
    var tags: [String]

    func run() async throws {
        let parsed = try Self.parseTags(tags)
        try await AWSErrorExit.run("TagResource") {
            try await store.openService().tagResource(.init(resourceArn: target.resourceArn(), tags: parsed))
        }
    }

    /// `Key=value` pairs, also comma-separated as the aws CLI's shorthand allows.
    static func parseTags(_ arguments: [String]) throws -> [String: String] {
        var parsed: [String: String] = [:]
        for (key, value) in try KeyValueArguments.pairs(arguments, what: "tag", commas: true) { parsed[key] = value }
        return parsed
    }
}

/// `vigil logs untag-resource` (alias `untag-log-group`).
struct UntagResourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untag-resource", abstract: "Remove tags of a log group by key.", aliases: ["untag-log-group"])

    @OptionGroup var store: StoreOptions
    @OptionGroup var target: LogGroupTarget
    @Option(name: .customLong("tag-keys"), parsing: .upToNextOption, help: "The keys to remove.") var keys: [String]

    func run() async throws {
        try await AWSErrorExit.run("UntagResource") {
            try await store.openService().untagResource(.init(resourceArn: target.resourceArn(), tagKeys: keys))
        }
    }
}

/// `vigil logs list-tags-for-resource` (alias `list-tags-log-group`).
struct ListTagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-tags-for-resource", abstract: "Print a log group's tags as JSON.",
        aliases: ["list-tags-log-group"])

    @OptionGroup var store: StoreOptions
    @OptionGroup var target: LogGroupTarget

    func run() async throws {
        try await AWSErrorExit.run("ListTagsForResource") {
            try await CLIJSON.print(
                try store.openService().listTagsForResource(.init(resourceArn: target.resourceArn())))
        }
    }
}
