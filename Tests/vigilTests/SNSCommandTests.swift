import Foundation
import Testing
import VigilTestSupport

/// `vigil sns …` against the aws CLI as its oracle: the same operations on one data directory, one side
/// through the aws CLI and `vigil serve`, the other through `vigil sns`, print the same text.
@Suite struct SNSCommandTests {
    @Test("vigil sns prints what aws sns prints: topics, attributes, subscriptions, tags and errors")
    func matchesAWSCLI() async throws {
        let python = try #require(TestPython.path, "the aws CLI is not installed: run scripts/python-clients.sh")
        let awsPath = (python as NSString).deletingLastPathComponent + "/aws"
        try await ServeEndToEndTests.withServer { server in
            func aws(_ arguments: [String]) async throws -> (status: Int32, output: String) {
                try await ServeEndToEndTests.aws(awsPath, server, ["sns"] + arguments)
            }
            func vigil(_ arguments: [String]) async throws -> (status: Int32, output: String) {
                try await ServeEndToEndTests.run(
                    CLITests.binary.path, ["sns"] + arguments + ["--data-dir", server.directory])
            }
            func same(_ arguments: [String], _ comment: Comment? = nil) async throws {
                let a = try await aws(arguments)
                let v = try await vigil(arguments)
                #expect(
                    a.output == v.output, "\(arguments.joined(separator: " ")): aws\n\(a.output)\nvigil\n\(v.output)")
                #expect((a.status == 0) == (v.status == 0), "\(arguments)")
            }
            let topic = "arn:aws:sns:us-east-1:123456789012:alerts"
            try await same([
                "create-topic", "--name", "alerts", "--attributes", "DisplayName=Ops", "--tags", "Key=team,Value=sec",
            ])
            #expect(try await aws(["create-topic", "--name", "second"]).status == 0)
            #expect(try await vigil(["create-topic", "--name", "third"]).status == 0)
            try await same(["list-topics"])
            try await same(["get-topic-attributes", "--topic-arn", topic])
            try await same(["list-tags-for-resource", "--resource-arn", topic])
            let subscribe = [
                "subscribe", "--topic-arn", topic, "--protocol", "https", "--notification-endpoint",
                "https://example.com/h",
                "--attributes", #"{"VigilConfirmed":"true","RawMessageDelivery":"true"}"#,
            ]
            try await same(subscribe, "subscribing again returns the same subscription")
            let arn = try #require(
                try await vigil(["list-subscriptions-by-topic", "--topic-arn", topic]).output.split(separator: "\"")
                    .first { $0.hasPrefix(topic + ":") })
            try await same(["list-subscriptions"])
            try await same(["get-subscription-attributes", "--subscription-arn", String(arn)])
            try await same([
                "set-subscription-attributes", "--subscription-arn", String(arn), "--attribute-name", "Nope",
            ])
            try await same(["get-topic-attributes", "--topic-arn", topic + "-missing"])
            try await same(["publish", "--topic-arn", topic, "--message", "x", "--subject", "two\nlines"])
            let published = try await vigil(["publish", "--topic-arn", topic, "--message", "hi"])
            #expect(
                published.output.range(
                    of: #"^\{\n    "MessageId": "[0-9a-f-]{36}"\n\}\n$"#, options: .regularExpression)
                    != nil)
            try await same(["delete-topic", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:third"])
            try await same(["list-topics"])
        }
    }
}
