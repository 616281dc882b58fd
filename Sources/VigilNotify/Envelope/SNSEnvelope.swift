import VigilMetrics
import VigilPatterns
public import VigilWire

/// A message as it was published to a topic: what every subscriber's copy is made from.
public struct PublishedMessage: Sendable, Equatable {
    public let messageID: String
    public let topicARN: String
    public let subject: String?
    public let message: String
    /// Milliseconds since 1970, when it was published.
    public let timestamp: Int64
    public let attributes: [MessageAttribute]

    public init(
        messageID: String, topicARN: String, subject: String?, message: String, timestamp: Int64,
        attributes: [MessageAttribute] = []
    ) {
        self.messageID = messageID
        self.topicARN = topicARN
        self.subject = subject
        self.message = message
        self.timestamp = timestamp
        self.attributes = attributes
    }
}

/// The JSON documents SNS POSTs to HTTP and HTTPS subscribers, with their signatures: Notification,
/// SubscriptionConfirmation and UnsubscribeConfirmation, members in the order SNS writes them.
///
/// The signature is over SNS's string to sign: `Name\nValue\n` for each signed member in byte order of
/// the names (Message, MessageId, Subject when present, Timestamp, TopicArn, Type for a notification;
/// Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type for a confirmation).
public enum SNSEnvelope {
    /// Where a receiver finds the signing certificate, and the URLs it may visit.
    public struct Links: Sendable {
        public let signingCertURL: String
        /// The endpoint's base URL (`http://127.0.0.1:4566`) that SubscribeURL and UnsubscribeURL point into.
        public let endpoint: String

        public init(signingCertURL: String, endpoint: String) {
            self.signingCertURL = signingCertURL
            self.endpoint = endpoint
        }

        public func unsubscribeURL(_ subscriptionARN: String) -> String {
            "\(endpoint)/?Action=Unsubscribe&SubscriptionArn=\(Self.queryEscaped(subscriptionARN))"
        }

        public func subscribeURL(topicARN: String, token: String) -> String {
            "\(endpoint)/?Action=ConfirmSubscription&TopicArn=\(Self.queryEscaped(topicARN))&Token=\(Self.queryEscaped(token))"
        }

        /// A query parameter's value: everything but RFC 3986's unreserved characters and `:` percent-encoded.
        static func queryEscaped(_ text: String) -> String {
            var out = ""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                    UInt8(ascii: "~"), UInt8(ascii: ":"):
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    let hex = Array("0123456789ABCDEF".utf8)
                    out += "%"
                    out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                    out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
                }
            }
            return out
        }
    }

    /// A Notification document for one subscriber.
    /// `attributesJSON`, when given, is the MessageAttributes member already written (as stored with a delivery).
    public static func notification(
        _ m: PublishedMessage, attributesJSON: String? = nil, subscriptionARN: String, links: Links, key: SigningKey,
        version: SigningKey.Version
    ) throws -> String {
        try notification(
            m, attributesJSON: attributesJSON, subscriptionARN: subscriptionARN, links: links, version: version,
            signature: signature(m, key: key, version: version))
    }

    /// A notification's signature: the same for every subscriber (the subscription is not signed).
    public static func signature(_ m: PublishedMessage, key: SigningKey, version: SigningKey.Version) throws -> String {
        var signed: [(String, String)] = [("Message", m.message), ("MessageId", m.messageID)]
        if let subject = m.subject { signed.append(("Subject", subject)) }
        signed += [
            ("Timestamp", UTCDateText.isoZulu(m.timestamp)), ("TopicArn", m.topicARN), ("Type", "Notification"),
        ]
        return try key.sign(stringToSign(signed), version: version)
    }

    /// A Notification document with its signature made already (``signature(_:key:version:)``).
    public static func notification(
        _ m: PublishedMessage, attributesJSON: String? = nil, subscriptionARN: String, links: Links,
        version: SigningKey.Version, signature: String
    ) -> String {
        let timestamp = UTCDateText.isoZulu(m.timestamp)
        var members: [(String, JSONPart)] = [
            ("Type", .text("Notification")), ("MessageId", .text(m.messageID)), ("TopicArn", .text(m.topicARN)),
        ]
        if let subject = m.subject { members.append(("Subject", .text(subject))) }
        members += [
            ("Message", .text(m.message)), ("Timestamp", .text(timestamp)),
            ("SignatureVersion", .text(version.rawValue)), ("Signature", .text(signature)),
            ("SigningCertURL", .text(links.signingCertURL)),
            ("UnsubscribeURL", .text(links.unsubscribeURL(subscriptionARN))),
        ]
        let attributes = attributesJSON ?? (m.attributes.isEmpty ? "" : Self.attributesJSON(m.attributes))
        if !attributes.isEmpty { members.append(("MessageAttributes", .raw(attributes))) }
        return document(members)
    }

    /// The two confirmation messages.
    public enum Confirmation: String, Sendable {
        case subscribe = "SubscriptionConfirmation"
        case unsubscribe = "UnsubscribeConfirmation"

        /// The text SNS writes in Message.
        public func message(topicARN: String, subscriptionARN: String) -> String {
            switch self {
            case .subscribe:
                "You have chosen to subscribe to the topic \(topicARN).\nTo confirm the subscription, visit the SubscribeURL included in this message."
            case .unsubscribe:
                "You have chosen to deactivate subscription \(subscriptionARN).\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
            }
        }
    }

    /// A SubscriptionConfirmation or UnsubscribeConfirmation document.
    public static func confirmation(
        _ kind: Confirmation, messageID: String, topicARN: String, subscriptionARN: String, token: String,
        timestamp ms: Int64, links: Links, key: SigningKey, version: SigningKey.Version
    ) throws -> String {
        let timestamp = UTCDateText.isoZulu(ms)
        let message = kind.message(topicARN: topicARN, subscriptionARN: subscriptionARN)
        let subscribeURL = links.subscribeURL(topicARN: topicARN, token: token)
        let signature = try key.sign(
            stringToSign([
                ("Message", message), ("MessageId", messageID), ("SubscribeURL", subscribeURL),
                ("Timestamp", timestamp), ("Token", token), ("TopicArn", topicARN), ("Type", kind.rawValue),
            ]), version: version)
        return document([
            ("Type", .text(kind.rawValue)), ("MessageId", .text(messageID)), ("Token", .text(token)),
            ("TopicArn", .text(topicARN)), ("Message", .text(message)), ("SubscribeURL", .text(subscribeURL)),
            ("Timestamp", .text(timestamp)), ("SignatureVersion", .text(version.rawValue)),
            ("Signature", .text(signature)), ("SigningCertURL", .text(links.signingCertURL)),
        ])
    }

    /// `Name\nValue\n` for each member, in the order given (SNS's is by name).
    public static func stringToSign(_ members: [(String, String)]) -> String {
        members.map { "\($0.0)\n\($0.1)\n" }.joined()
    }

    /// MessageAttributes as SNS writes them in a notification: `{"name":{"Type":…,"Value":…}}`.
    public static func attributesJSON(_ attributes: [MessageAttribute]) -> String {
        "{"
            + attributes.map {
                "\(JSONString.quote($0.name)):{\"Type\":\(JSONString.quote($0.dataType)),\"Value\":\(JSONString.quote($0.value))}"
            }.joined(separator: ",") + "}"
    }

    enum JSONPart {
        case text(String)
        case raw(String)
    }

    /// The members as SNS lays them out: one per line, `"Name" : value`.
    static func document(_ members: [(String, JSONPart)]) -> String {
        let lines = members.map { name, part -> String in
            let value: String
            switch part {
            case .text(let t): value = JSONString.quote(t)
            case .raw(let r): value = r
            }
            return "  \(JSONString.quote(name)) : \(value)"
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }
}
