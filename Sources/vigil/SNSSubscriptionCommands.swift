import ArgumentParser
import VigilAPI
import VigilNotify

/// `vigil sns subscribe`, with `--confirmed` for receivers that cannot confirm.
struct SubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe", abstract: "Subscribe an endpoint to a topic, printing the subscription's ARN.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("topic-arn"), help: "The topic.") var topicARN: String
    @Option(name: .customLong("protocol"), help: "http, https, email or email-json.") var proto: String
    @Option(name: .customLong("notification-endpoint"), help: "The URL or e-mail address.") var endpoint: String?
    @Option(
        name: .customLong("attributes"),
        help: "DeliveryPolicy, FilterPolicy, FilterPolicyScope, RawMessageDelivery …: Name=value,… or a JSON object.")
    var attributes: String?
    @Flag(
        name: .customLong("return-subscription-arn"),
        help: "Print the ARN even while the subscription waits for its confirmation.")
    var returnARN = false
    @Flag(
        name: .customLong("confirmed"),
        help: "Create it confirmed, sending no confirmation (Vigil's VigilConfirmed attribute).")
    var confirmed = false

    func run() async throws {
        try await AWSErrorExit.run("Subscribe") {
            var a = try attributes.map { try SNSArguments.attributes($0, option: "--attributes") }
            if confirmed { a = (a ?? [:]).merging(["VigilConfirmed": "true"]) { $1 } }
            try CLIJSON.print(
                try await options.service().subscribe(
                    .init(
                        topicArn: topicARN, protocol: proto, endpoint: endpoint, attributes: a,
                        returnSubscriptionArn: returnARN ? true : nil)))
        }
    }
}

/// `vigil sns confirm-subscription`.
struct ConfirmSubscriptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm-subscription", abstract: "Confirm a pending subscription with its token.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("topic-arn"), help: "The topic.") var topicARN: String
    @Option(name: .customLong("token"), help: "The Token of the SubscriptionConfirmation.") var token: String

    func run() async throws {
        try await AWSErrorExit.run("ConfirmSubscription") {
            try CLIJSON.print(try await options.service().confirmSubscription(.init(topicArn: topicARN, token: token)))
        }
    }
}

/// `vigil sns unsubscribe`.
struct UnsubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unsubscribe", abstract: "Delete a subscription.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("subscription-arn"), help: "The subscription.") var arn: String

    func run() async throws {
        try await AWSErrorExit.run("Unsubscribe") {
            try await options.service().unsubscribe(.init(subscriptionArn: arn))
        }
    }
}

/// `vigil sns list-subscriptions`, every page.
struct ListSubscriptionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-subscriptions", abstract: "List every subscription as JSON.")
    @OptionGroup var options: SNSOptions

    func run() async throws {
        try await AWSErrorExit.run("ListSubscriptions") {
            let service = try options.service()
            let all = try await allPages { token in
                let page = try await service.listSubscriptions(.init(nextToken: token))
                return (page.subscriptions, page.nextToken)
            }
            try CLIJSON.print(SNS.ListSubscriptionsOutput(subscriptions: all))
        }
    }
}

/// `vigil sns list-subscriptions-by-topic`, every page.
struct ListSubscriptionsByTopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-subscriptions-by-topic", abstract: "List a topic's subscriptions as JSON.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("topic-arn"), help: "The topic.") var topicARN: String

    func run() async throws {
        try await AWSErrorExit.run("ListSubscriptionsByTopic") {
            let service = try options.service()
            let all = try await allPages { token in
                let page = try await service.listSubscriptionsByTopic(.init(topicArn: topicARN, nextToken: token))
                return (page.subscriptions, page.nextToken)
            }
            try CLIJSON.print(SNS.ListSubscriptionsByTopicOutput(subscriptions: all))
        }
    }
}

/// `vigil sns get-subscription-attributes`.
struct GetSubscriptionAttributesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-subscription-attributes", abstract: "Print a subscription's attributes as JSON.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("subscription-arn"), help: "The subscription.") var arn: String

    func run() async throws {
        try await AWSErrorExit.run("GetSubscriptionAttributes") {
            try CLIJSON.print(try await options.service().getSubscriptionAttributes(.init(subscriptionArn: arn)))
        }
    }
}

/// `vigil sns set-subscription-attributes`.
struct SetSubscriptionAttributesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-subscription-attributes", abstract: "Set (or, without a value, clear) one attribute.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("subscription-arn"), help: "The subscription.") var arn: String
    @Option(
        name: .customLong("attribute-name"),
        help: "DeliveryPolicy, FilterPolicy, FilterPolicyScope, RawMessageDelivery …"
    )
    var name: String
    @Option(name: .customLong("attribute-value"), help: "The new value.") var value: String?

    func run() async throws {
        try await AWSErrorExit.run("SetSubscriptionAttributes") {
            try await options.service().setSubscriptionAttributes(
                .init(subscriptionArn: arn, attributeName: name, attributeValue: value))
        }
    }
}
