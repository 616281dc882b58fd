import Foundation
import Logging
import Testing
import VigilAPI
import VigilStore

@testable import VigilNotify

/// E-mail subscriptions through an SMTP relay (aiosmtpd on loopback): the confirmation e-mail and its
/// link, notifications as text and as JSON, STARTTLS and AUTH, refusals, and what waits without a relay.
@Suite struct MailDeliveryTests {
    typealias Fixture = DeliveryEngineTests.Fixture

    func fixture(relay: MailRelay?, caFile: String? = nil) async throws -> Fixture {
        try await DeliveryEngineTests.fixture(
            topicAttributes: ["DisplayName": "Ops alerts"], relay: relay, caFile: caFile)
    }

    @Test("an e-mail subscription gets SNS's confirmation e-mail; its link's token confirms; a message follows as text")
    func confirmationThenNotification() async throws {
        let sink = try await SMTPSink()
        defer { sink.stop() }
        let f = try await fixture(relay: try MailRelay(url: "smtp://127.0.0.1:\(sink.port)", from: "vigil@example.com"))
        let arn = try #require(
            try await f.sns.subscribe(.init(topicArn: f.topic, protocol: "email", endpoint: "ops@example.com"))
                .subscriptionArn)
        #expect(arn == "pending confirmation")
        try await f.engine.pass()
        let confirmation = try #require(sink.mails.first)
        #expect(confirmation.from == "vigil@example.com" && confirmation.recipients == ["ops@example.com"])
        #expect(confirmation.header("Subject") == "AWS Notification - Subscription Confirmation")
        #expect(confirmation.header("From") == #""Ops alerts" <vigil@example.com>"#)
        #expect(confirmation.header("To") == "<ops@example.com>")
        #expect(confirmation.header("Content-Type") == "text/plain; charset=UTF-8")
        #expect(confirmation.header("Date") == "Fri, 15 Jan 2027 08:00:00 +0000")
        #expect(confirmation.body.contains("You have chosen to subscribe to the topic:\n\(f.topic)\n"))
        let link = try #require(
            confirmation.body.split(separator: "\n").first {
                $0.hasPrefix("http://127.0.0.1:4566/?Action=ConfirmSubscription")
            })
        let token = try #require(URLComponents(string: String(link))?.queryItems?.first { $0.name == "Token" }?.value)
        _ = try await f.sns.confirmSubscription(.init(topicArn: f.topic, token: token))

        let id = try #require(
            try await f.sns.publish(
                .init(topicArn: f.topic, message: "Root signed in.\nCheck it.", subject: "ALARM: root")
            )
            .messageId)
        try await f.engine.pass()
        #expect(sink.mails.count == 2)
        let mail = try #require(sink.mails.last)
        #expect(mail.header("Subject") == "ALARM: root")
        #expect(mail.header("Message-ID") == "<\(id)@example.com>")
        #expect(mail.body.hasPrefix("Root signed in.\nCheck it.\n\n--\n"))
        #expect(mail.body.contains("http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn="))
        #expect(try await f.deliveries().allSatisfy { $0.status == .delivered && $0.lastStatus == 250 })
        await f.engine.client.shutdown()
    }

    @Test("email-json carries the JSON document an http receiver gets; no Subject means SNS's default subject")
    func emailJSON() async throws {
        let sink = try await SMTPSink()
        defer { sink.stop() }
        let f = try await fixture(relay: try MailRelay(url: "smtp://127.0.0.1:\(sink.port)", from: "vigil@localhost"))
        _ = try await f.sns.subscribe(
            .init(
                topicArn: f.topic, protocol: "email-json", endpoint: "dev@example.com",
                attributes: ["VigilConfirmed": "true"]))
        let id = try #require(try await f.sns.publish(.init(topicArn: f.topic, message: "héllo")).messageId)
        try await f.engine.pass()
        let mail = try #require(sink.mails.first)
        #expect(mail.header("Subject") == "AWS Notification Message")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(mail.body.utf8)) as? [String: Any])
        #expect(json["Type"] as? String == "Notification" && json["MessageId"] as? String == id)
        #expect(json["Message"] as? String == "héllo" && json["Signature"] is String)
        await f.engine.client.shutdown()
    }

    @Test("STARTTLS and AUTH: the relay demands both, and the mail arrives encrypted and logged in")
    func startTLSAndAuth() async throws {
        let sink = try await SMTPSink(["--tls", "--auth", "vigil:s3cret"])
        defer { sink.stop() }
        let relay = try MailRelay(url: "smtp://vigil:s3cret@localhost:\(sink.port)", from: "vigil@localhost")
        #expect(!relay.requireTLS, "loopback: opportunistic")
        #expect(relay.redacted == "smtp://****@localhost:\(sink.port)")
        let f = try await fixture(relay: relay, caFile: sink.certificate)
        _ = try await f.sns.subscribe(
            .init(
                topicArn: f.topic, protocol: "email", endpoint: "ops@example.com",
                attributes: ["VigilConfirmed": "true"]))
        _ = try await f.sns.publish(.init(topicArn: f.topic, message: "over TLS"))
        try await f.engine.pass()
        let mail = try #require(sink.mails.first)
        #expect(mail.tls && mail.login == "vigil" && mail.body.hasPrefix("over TLS"))
        await f.engine.client.shutdown()

        let wrong = try await fixture(
            relay: try MailRelay(url: "smtp://vigil:wrong@localhost:\(sink.port)", from: "vigil@localhost"),
            caFile: sink.certificate)
        _ = try await wrong.sns.subscribe(
            .init(
                topicArn: wrong.topic, protocol: "email", endpoint: "ops@example.com",
                attributes: ["VigilConfirmed": "true"]))
        _ = try await wrong.sns.publish(.init(topicArn: wrong.topic, message: "x"))
        try await wrong.engine.pass()
        let d = try #require(try await wrong.deliveries().first)
        #expect(d.status == .dead && d.lastError?.hasPrefix("the relay answered 535") == true, "\(d)")
        #expect(sink.mails.count == 1)
        await wrong.engine.client.shutdown()
    }

    @Test("a relay's 4xx is retried as the delivery policy says; its 5xx dead-letters at once", arguments: [451, 550])
    func refusals(code: Int) async throws {
        let sink = try await SMTPSink(["--reject", "\(code)"])
        defer { sink.stop() }
        let f = try await fixture(relay: try MailRelay(url: "smtp://127.0.0.1:\(sink.port)", from: "vigil@localhost"))
        _ = try await f.sns.subscribe(
            .init(
                topicArn: f.topic, protocol: "email", endpoint: "ops@example.com",
                attributes: ["VigilConfirmed": "true"]))
        _ = try await f.sns.publish(.init(topicArn: f.topic, message: "x"))
        try await f.engine.pass()
        let d = try #require(try await f.deliveries().first)
        #expect(d.attempts == 1 && d.lastError?.hasPrefix("the relay answered \(code)") == true, "\(d)")
        #expect(d.status == (code < 500 ? .pending : .dead))
        if code < 500 { #expect(d.nextAttempt == f.clock.now + 20_000) }
        await f.engine.client.shutdown()
    }

    @Test("without a relay an e-mail delivery waits: held, no attempt counted, while webhooks go")
    func noRelay() async throws {
        let f = try await fixture(relay: nil)
        _ = try await f.sns.subscribe(
            .init(
                topicArn: f.topic, protocol: "email", endpoint: "ops@example.com",
                attributes: ["VigilConfirmed": "true"]))
        _ = try await f.sns.publish(.init(topicArn: f.topic, message: "x"))
        for _ in 0..<3 {
            try await f.engine.pass()
            f.clock.advance(3_600_000)
        }
        let d = try #require(try await f.deliveries().first)
        #expect(d.status == .pending && d.attempts == 0)
        await f.engine.client.shutdown()
    }
}

/// The relay URL's rules: schemes, credentials and when TLS is required.
struct MailRelayTests {
    @Test(
        "STARTTLS is required with credentials off loopback, smtps is TLS, and the log never sees a password",
        arguments: [
            ("smtp://mail.example.com:25", false, "smtp://mail.example.com:25"),
            ("smtp://u:p@mail.example.com:587", true, "smtp://****@mail.example.com:587"),
            ("smtp://u:p@127.0.0.1:2525", false, "smtp://****@127.0.0.1:2525"),
            ("smtp://u:p@[::1]:2525", false, "smtp://****@[::1]:2525"),
            ("SMTPS://mail.example.com", true, "SMTPS://mail.example.com"),
        ])
    func relays(url: String, requireTLS: Bool, redacted: String) throws {
        let relay = try MailRelay(url: url, from: "vigil@localhost")
        #expect(relay.requireTLS == requireTLS && relay.redacted == redacted)
    }

    @Test(
        "a relay URL that is not smtp(s), names no host or holds spaces, or a sender that is no address, is refused",
        arguments: [
            ("http://mail.example.com", "vigil@localhost", "must start with smtp:// or smtps://"),
            ("smtp://", "vigil@localhost", "names no host"),
            ("smtp://u:p@/x", "vigil@localhost", "names no host"),
            ("smtp://mail example.com", "vigil@localhost", "holds spaces"),
            ("smtp://mail.example.com", "vigil", "--smtp-from must be an e-mail address"),
            ("smtp://mail.example.com", "a@b>\r\nRCPT TO:<x@y", "--smtp-from must be an e-mail address"),
        ])
    func invalid(url: String, from: String, says: String) {
        #expect {
            try MailRelay(url: url, from: from)
        } throws: { error in
            "\(error)".contains(says)
        }
    }
}
