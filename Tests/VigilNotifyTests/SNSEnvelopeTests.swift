import Foundation
import Testing
import VigilTestSupport
import VigilWire

@testable import VigilNotify

/// The documents HTTP subscribers get, as SNS's "HTTP/HTTPS notification JSON format" pages describe
/// them, and their signatures as a receiver checks them (Python's `cryptography`, through
/// examples/webhook-receiver).
@Suite struct SNSEnvelopeTests {
    static let key = Result { try SigningKey.generate() }
    static let links = SNSEnvelope.Links(
        signingCertURL: "http://127.0.0.1:4566/_vigil/sns/SimpleNotificationService.pem",
        endpoint: "http://127.0.0.1:4566")
    static let topic = "arn:aws:sns:us-west-2:123456789012:MyTopic"
    static let subscription = topic + ":c9135db0-26c4-47ec-8998-413945fb5a96"

    func message(subject: String? = "My First Message", text: String = "Hello world!") -> PublishedMessage {
        PublishedMessage(
            messageID: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", topicARN: Self.topic, subject: subject, message: text,
            timestamp: 1_335_390_565_719)
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The member names in the order written.
    func order(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("\"") else { return nil }
            return String(t.dropFirst().prefix { $0 != "\"" })
        }
    }

    @Test func aNotificationHasSNSsMembersInSNSsOrder() throws {
        let text = try SNSEnvelope.notification(
            message(), subscriptionARN: Self.subscription, links: Self.links, key: Self.key.get(), version: .v1)
        #expect(
            order(text) == [
                "Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature",
                "SigningCertURL", "UnsubscribeURL",
            ])
        let o = try object(text)
        #expect(o["Type"] as? String == "Notification")
        #expect(o["Timestamp"] as? String == "2012-04-25T21:49:25.719Z")
        #expect(o["SignatureVersion"] as? String == "1")
        #expect(
            o["UnsubscribeURL"] as? String
                == "http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96"
        )
    }

    @Test func withoutASubjectThereIsNoSubjectMember() throws {
        let text = try SNSEnvelope.notification(
            message(subject: nil), subscriptionARN: Self.subscription, links: Self.links, key: Self.key.get(),
            version: .v2)
        #expect(try object(text)["Subject"] == nil)
        #expect(!order(text).contains("Subject"))
    }

    @Test func theStringToSignIsNameNewlineValueNewline() {
        #expect(
            SNSEnvelope.stringToSign([("Message", "Hello"), ("MessageId", "1"), ("Type", "Notification")])
                == "Message\nHello\nMessageId\n1\nType\nNotification\n")
    }

    @Test func messageAttributesAreTypeAndValue() throws {
        var m = message()
        m = PublishedMessage(
            messageID: m.messageID, topicARN: m.topicARN, subject: nil, message: m.message, timestamp: m.timestamp,
            attributes: [.init(name: "severity", dataType: "String", value: "high")])
        let o = try object(
            try SNSEnvelope.notification(
                m, subscriptionARN: Self.subscription, links: Self.links, key: Self.key.get(), version: .v2))
        let attributes = try #require(o["MessageAttributes"] as? [String: [String: String]])
        #expect(attributes == ["severity": ["Type": "String", "Value": "high"]])
    }

    @Test func aConfirmationCarriesTokenAndSubscribeURLAndNoUnsubscribeURL() throws {
        let text = try SNSEnvelope.confirmation(
            .subscribe, messageID: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b", topicARN: Self.topic,
            subscriptionARN: Self.subscription, token: "2336412f37", timestamp: 1_335_390_565_719, links: Self.links,
            key: Self.key.get(), version: .v1)
        #expect(
            order(text) == [
                "Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp", "SignatureVersion",
                "Signature", "SigningCertURL",
            ])
        let o = try object(text)
        #expect(
            o["SubscribeURL"] as? String
                == "http://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37"
        )
        #expect(
            o["Message"] as? String
                == "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\nTo confirm the subscription, visit the SubscribeURL included in this message."
        )
    }

    @Test func aReceiverVerifiesBothSignatureVersionsAndRefusesATamperedMessage() async throws {
        let key = try Self.key.get()
        let dir = NSTemporaryDirectory() + "vigil-sns-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try key.certificatePEM.write(toFile: dir + "/cert.pem", atomically: true, encoding: .utf8)
        var files: [String] = []
        func write(_ text: String) throws {
            let path = dir + "/\(files.count).json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let hostile = "line\nbreaks, \"quotes\", \u{1F600}, tab\t, \\ and NUL-free \u{7F}"
        for version in SigningKey.Version.allCases {
            for subject in [nil, "Subject \u{e9}"] {
                try write(
                    SNSEnvelope.notification(
                        message(subject: subject, text: hostile), subscriptionARN: Self.subscription, links: Self.links,
                        key: key, version: version))
            }
            try write(
                SNSEnvelope.confirmation(
                    .subscribe, messageID: "m", topicARN: Self.topic, subscriptionARN: Self.subscription,
                    token: "t0ken", timestamp: 0, links: Self.links, key: key, version: version))
            try write(
                SNSEnvelope.confirmation(
                    .unsubscribe, messageID: "m", topicARN: Self.topic, subscriptionARN: Self.subscription,
                    token: "t0ken", timestamp: 0, links: Self.links, key: key, version: version))
        }
        let good = try SNSEnvelope.notification(
            message(), subscriptionARN: Self.subscription, links: Self.links, key: key, version: .v2)
        try write(good.replacingOccurrences(of: "Hello world!", with: "Hello world?"))
        let r = try await TestPython.run(script: "verify_sns.py", [dir + "/cert.pem"] + files)
        #expect(r.status == 0, "\(r.output)")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "certificate current CN=Vigil SNS message signing")
        #expect(Array(lines.dropFirst()) == Array(repeating: "valid", count: 8) + ["invalid InvalidSignature"])
    }

    @Test func theKeyIsMadeOnceAndReadAfterwards() throws {
        let dir = NSTemporaryDirectory() + "vigil-key-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try SigningKey.load(directory: dir)
        let second = try SigningKey.load(directory: dir)
        #expect(first.certificatePEM == second.certificatePEM)
        #expect(try first.sign("x", version: .v2) == second.sign("x", version: .v2))
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/sns-signing-key.pem")[.posixPermissions]
        #expect(mode as? Int == 0o600)
    }
}
