import Foundation
import VigilMetrics

/// An e-mail as SNS sends one, rendered for an SMTP relay: `From` with the topic's display name,
/// `To`, `Subject` (RFC 2047-encoded when it is not plain ASCII), `Date`, `Message-ID`, and a UTF-8
/// plain-text body in base64 (so that no line is too long and no byte needs escaping).
public struct MailMessage: Sendable, Equatable {
    public var fromName: String?
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    /// The SNS MessageId, which becomes the `Message-ID` header's local part.
    public var messageID: String
    /// When it was published (ms since 1970).
    public var date: Int64

    public init(
        fromName: String?, from: String, to: String, subject: String, body: String, messageID: String, date: Int64
    ) {
        self.fromName = fromName
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
    }

    /// The message's bytes with CRLF line ends.
    public func rendered() -> [UInt8] {
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        var sender = "<\(from)>"
        if let fromName, !fromName.isEmpty { sender = "\(Self.encodedWord(fromName, phrase: true)) <\(from)>" }
        var lines = [
            "From: \(sender)",
            "To: <\(to)>",
            "Subject: \(Self.encodedWord(subject, phrase: false))",
            "Date: \(UTCDateText.rfc5322(date))",
            "Message-ID: <\(Self.clean(messageID))@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        let encoded = Data(body.utf8).base64EncodedString()
        var i = encoded.startIndex
        while i < encoded.endIndex {
            let end = encoded.index(i, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[i..<end]))
            i = end
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// Plain printable ASCII as is (a display name quoted), anything else as `=?UTF-8?B?…?=`; line
    /// breaks and control characters become spaces first, so no header can be injected.
    static func encodedWord(_ text: String, phrase: Bool) -> String {
        let flat = String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        let plain = flat.utf8.allSatisfy { $0 < 0x80 }
        if plain && flat.utf8.count <= 900 {
            guard phrase else { return flat }
            return "\"" + flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        return "=?UTF-8?B?\(Data(flat.utf8).base64EncodedString())?="
    }

    /// Keeps the characters a Message-ID's local part may hold.
    static func clean(_ id: String) -> String {
        String(
            String.UnicodeScalarView(
                id.unicodeScalars.filter {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                }))
    }
}
