import Foundation
import Testing
import VigilTestSupport

/// `vigil sns …` against the aws CLI as its oracle: the same operations on one data directory, one side
/// through the aws CLI and `vigil serve`, the other through `vigil sns`, print the same text.
@Suite struct SNSCommandTests {
    @Test("vigil sns prints what aws sns prints: topics, attributes, subscriptions, tags and errors")
    func matchesAWSCLI() throws {
        let python = try #require(TestPython.path, "the aws CLI is not installed: run scripts/python-clients.sh")
        let awsPath = (python as NSString).deletingLastPathComponent + "/aws"
        let server = try ServeEndToEndTests.Server()
        defer { server.stop() }
        func aws(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try ServeEndToEndTests.aws(awsPath, server, ["sns"] + arguments)
        }
        func vigil(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try ServeEndToEndTests.run(CLITests.binary.path, ["sns"] + arguments + ["--data-dir", server.directory])
        }
        func same(_ arguments: [String], _ comment: Comment? = nil) throws {
            let a = try aws(arguments)
            let v = try vigil(arguments)
            #expect(a.output == v.output, "\(arguments.joined(separator: " ")): aws\n\(a.output)\nvigil\n\(v.output)")
            #expect((a.status == 0) == (v.status == 0), "\(arguments)")
        }
        let topic = "arn:aws:sns:us-east-1:123456789012:alerts"
        try same([
            "create-topic", "--name", "alerts", "--attributes", "DisplayName=Ops", "--tags", "Key=team,Value=sec",
        ])
        #expect(try aws(["create-topic", "--name", "second"]).status == 0)
        #expect(try vigil(["create-topic", "--name", "third"]).status == 0)
        try same(["list-topics"])
        try same(["get-topic-attributes", "--topic-arn", topic])
        try same(["list-tags-for-resource", "--resource-arn", topic])
        let subscribe = [
            "subscribe", "--topic-arn", topic, "--protocol", "https", "--notification-endpoint",
            "https://example.com/h",
            "--attributes", #"{"VigilConfirmed":"true","RawMessageDelivery":"true"}"#,
        ]
        try same(subscribe, "subscribing again returns the same subscription")
        let arn = try #require(
            try vigil(["list-subscriptions-by-topic", "--topic-arn", topic]).output.split(separator: "\"")
                .first { $0.hasPrefix(topic + ":") })
        try same(["list-subscriptions"])
        try same(["get-subscription-attributes", "--subscription-arn", String(arn)])
        try same(["set-subscription-attributes", "--subscription-arn", String(arn), "--attribute-name", "Nope"])
        try same(["get-topic-attributes", "--topic-arn", topic + "-missing"])
        try same(["publish", "--topic-arn", topic, "--message", "x", "--subject", "two\nlines"])
        let published = try vigil(["publish", "--topic-arn", topic, "--message", "hi"])
        #expect(
            published.output.range(of: #"^\{\n    "MessageId": "[0-9a-f-]{36}"\n\}\n$"#, options: .regularExpression)
                != nil)
        try same(["delete-topic", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:third"])
        try same(["list-topics"])
    }
}
