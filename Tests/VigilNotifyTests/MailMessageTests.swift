import Foundation
import Testing
import VigilMetrics

@testable import VigilNotify

/// An e-mail as handed to the relay: headers that cannot be injected into, encoded words for what is
/// not ASCII, a base64 body, and RFC 5322 dates checked against Foundation's formatter.
struct MailMessageTests {
    static func message(subject: String, fromName: String?, body: String = "b") -> String {
        String(
            decoding: MailMessage(
                fromName: fromName, from: "vigil@example.com", to: "ops@example.com", subject: subject, body: body,
                messageID: "1b2c-3d", date: 0
            ).rendered(), as: UTF8.self)
    }

    @Test("a line break in a subject or display name becomes a space: no header can be added")
    func noInjection() {
        let text = Self.message(subject: "a\r\nBcc: victim@example.com", fromName: "x\"\r\nBcc: y@z")
        let head = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!head.contains { $0.hasPrefix("Bcc:") })
        #expect(head.contains("Subject: a  Bcc: victim@example.com"))
        #expect(head.contains(#"From: "x\"  Bcc: y@z" <vigil@example.com>"#))
    }

    @Test("a subject or name that is not ASCII is an RFC 2047 encoded word")
    func encodedWords() {
        let text = Self.message(subject: "Alarm: CPU über 90 %", fromName: "Überwachung")
        #expect(text.contains("Subject: =?UTF-8?B?\(Data("Alarm: CPU über 90 %".utf8).base64EncodedString())?=\r\n"))
        #expect(
            text.contains("From: =?UTF-8?B?\(Data("Überwachung".utf8).base64EncodedString())?= <vigil@example.com>"))
    }

    @Test("the body is base64 in lines of at most 76 characters, and decodes to the text")
    func body() throws {
        let long = String(repeating: "0123456789 ", count: 100) + "\n.\nend"
        let text = Self.message(subject: "s", fromName: nil, body: long)
        let parts = text.components(separatedBy: "\r\n\r\n")
        #expect(parts[0].contains("From: <vigil@example.com>"))
        #expect(parts[0].contains("Message-ID: <1b2c-3d@example.com>"))
        let lines = parts[1].components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.allSatisfy { $0.count <= 76 } && lines.count > 1)
        let decoded = try #require(Data(base64Encoded: lines.joined()))
        #expect(String(decoding: decoded, as: UTF8.self) == long)
    }

    @Test(
        "an e-mail's Date is RFC 5322's, as Foundation's formatter writes it",
        arguments: [0, 951_782_400_000, 1_800_000_000_999, -86_400_001, 4_102_444_800_000] as [Int64])
    func dates(ms: Int64) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let seconds = (Double(ms) / 1000).rounded(.down)
        #expect(UTCDateText.rfc5322(ms) == f.string(from: Date(timeIntervalSince1970: seconds)))
    }

    @Test(
        "SMTP envelope addresses: one @, printable, no brackets, spaces or line breaks",
        arguments: [
            ("ops@example.com", true), ("a.b+c@d-e.example", true), ("ops", false), ("@example.com", false),
            ("ops@", false), ("a@b@c", false), ("a b@c.d", false), ("a@b.c>\r\nRCPT TO:<x@y.z", false),
            ("<a@b.c>", false), ("ä@b.c", false),
        ])
    func addresses(address: String, safe: Bool) {
        #expect(MailRequest.isSafeAddress(address) == safe)
    }
}
