import ArgumentParser
import VigilAPI
import VigilNotify

/// `vigil sns publish`: the message is queued for every confirmed subscriber whose filter policy it
/// passes (a running `vigil serve` delivers it), and its MessageId printed.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Publish a message to a topic, printing its MessageId.")
    @OptionGroup var options: SNSOptions
    @Option(name: .customLong("topic-arn"), help: "The topic.") var topicARN: String
    @Option(name: .customLong("message"), help: "The message (file://path reads it from a file).") var message: String
    @Option(name: .customLong("subject"), help: "The subject (e-mail subject; Subject in the envelope).")
    var subject: String?
    @Option(name: .customLong("message-structure"), help: "json: --message holds a message per protocol.")
    var structure: String?
    @Option(
        name: .customLong("message-attributes"),
        help: #"A JSON object: {"name":{"DataType":"String","StringValue":"v"}}, or file://path."#)
    var attributes: String?

    func run() async throws {
        try await AWSErrorExit.run("Publish") {
            let text =
                message.hasPrefix("file://")
                ? String(decoding: try CLIJSON.bytes(message, option: "--message"), as: UTF8.self) : message
            let attributes = try attributes.map {
                try CLIJSON.sns(
                    [String: SNS.MessageAttributeValue].self, $0, option: "--message-attributes",
                    at: [.member("MessageAttributes")])
            }
            try CLIJSON.print(
                try await options.service().publish(
                    .init(
                        topicArn: topicARN, message: text, subject: subject, messageStructure: structure,
                        messageAttributes: attributes)))
        }
    }
}
