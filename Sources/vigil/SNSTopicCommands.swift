import ArgumentParser
import VigilAPI
import VigilNotify

/// `vigil sns create-topic`.
struct CreateTopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-topic", abstract: "Create a topic (or get the one with this name), printing its ARN.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("name"), help: "The topic's name.") var name: String
    @Option(
        name: .customLong("attributes"),
        help: "DisplayName, DeliveryPolicy, SignatureVersion, Policy …: Name=value,… or a JSON object.")
    var attributes: String?
    @Option(name: .customLong("tags"), parsing: .upToNextOption, help: "Key=k,Value=v … or a JSON list.")
    var tags: [String] = []

    func run() async throws {
        try await AWSErrorExit.run("CreateTopic") {
            let input = SNS.CreateTopicInput(
                name: name, attributes: try attributes.map { try SNSArguments.attributes($0, option: "--attributes") },
                tags: tags.isEmpty ? nil : try SNSArguments.tags(tags, option: "--tags"))
            try CLIJSON.print(try await options.service().createTopic(input))
        }
    }
}

/// `vigil sns delete-topic`.
struct DeleteTopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-topic", abstract: "Delete a topic and its subscriptions.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("topic-arn"), help: "The topic.") var topicARN: String

    func run() async throws {
        try await AWSErrorExit.run("DeleteTopic") { try await options.service().deleteTopic(.init(topicArn: topicARN)) }
    }
}

/// `vigil sns list-topics`, every page.
struct ListTopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-topics", abstract: "List topics as JSON.")
    @OptionGroup var options: SNSOptions

    func run() async throws {
        try await AWSErrorExit.run("ListTopics") {
            let service = try options.service()
            let all = try await allPages { token in
                let page = try await service.listTopics(.init(nextToken: token))
                return (page.topics, page.nextToken)
            }
            try CLIJSON.print(SNS.ListTopicsOutput(topics: all))
        }
    }
}

/// `vigil sns get-topic-attributes`.
struct GetTopicAttributesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-topic-attributes", abstract: "Print a topic's attributes as JSON.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("topic-arn"), help: "The topic.") var topicARN: String

    func run() async throws {
        try await AWSErrorExit.run("GetTopicAttributes") {
            try CLIJSON.print(try await options.service().getTopicAttributes(.init(topicArn: topicARN)))
        }
    }
}

/// `vigil sns set-topic-attributes`.
struct SetTopicAttributesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-topic-attributes", abstract: "Set (or, without a value, clear) one topic attribute.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("topic-arn"), help: "The topic.") var topicARN: String
    @Option(name: .customLong("attribute-name"), help: "DisplayName, DeliveryPolicy, SignatureVersion, Policy ….")
    var name: String
    @Option(name: .customLong("attribute-value"), help: "The new value.") var value: String?

    func run() async throws {
        try await AWSErrorExit.run("SetTopicAttributes") {
            try await options.service().setTopicAttributes(
                .init(topicArn: topicARN, attributeName: name, attributeValue: value))
        }
    }
}

/// `vigil sns tag-resource`.
struct SNSTagResourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag-resource", abstract: "Tag a topic.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("resource-arn"), help: "The topic.") var arn: String
    @Option(name: .customLong("tags"), parsing: .upToNextOption, help: "Key=k,Value=v … or a JSON list.")
    var tags: [String]

    func run() async throws {
        try await AWSErrorExit.run("TagResource") {
            let list = try SNSArguments.tags(tags, option: "--tags")
            _ = try await options.service().tagResource(.init(resourceArn: arn, tags: list))
        }
    }
}

/// `vigil sns untag-resource`.
struct SNSUntagResourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untag-resource", abstract: "Remove tags from a topic.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("resource-arn"), help: "The topic.") var arn: String
    @Option(name: .customLong("tag-keys"), parsing: .upToNextOption, help: "The keys to remove.") var keys: [String]

    func run() async throws {
        try await AWSErrorExit.run("UntagResource") {
            _ = try await options.service().untagResource(.init(resourceArn: arn, tagKeys: keys))
        }
    }
}

/// `vigil sns list-tags-for-resource`.
struct SNSListTagsForResourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-tags-for-resource", abstract: "Print a topic's tags as JSON.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("resource-arn"), help: "The topic.") var arn: String

    func run() async throws {
        try await AWSErrorExit.run("ListTagsForResource") {
            try CLIJSON.print(try await options.service().listTagsForResource(.init(resourceArn: arn)))
        }
    }
}
