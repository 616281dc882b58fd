import Foundation
public import VigilAPI
import VigilPatterns
import VigilStore
import VigilWire

extension SNSService {
    public func publish(_ input: SNS.PublishInput) async throws -> SNS.PublishOutput {
        guard input.phoneNumber == nil else {
            throw SNSError.invalid("Invalid parameter: PhoneNumber Reason: Vigil does not send SMS")
        }
        guard let arn = input.topicArn ?? input.targetArn else {
            throw SNSError.invalid("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
        }
        let topic = try await existingTopic(arn)
        let message = try Self.validated(
            message: input.message, subject: input.subject, structure: input.messageStructure,
            attributes: input.messageAttributes)
        let id = UUID().uuidString.lowercased()
        try await store.enqueue(
            try await deliveries(
                topic: topic.arn, messageID: id, message: message, subject: input.subject,
                attributes: message.attributes,
                at: now()), now: now())
        return SNS.PublishOutput(messageId: id)
    }

    public func publishBatch(_ input: SNS.PublishBatchInput) async throws -> SNS.PublishBatchOutput {
        let entries = input.publishBatchRequestEntries
        guard !entries.isEmpty else {
            throw SNSError(.emptyBatchRequest, "The batch request doesn't contain any entries")
        }
        guard entries.count <= Self.maximumBatchEntries else {
            throw SNSError(.tooManyEntriesInBatchRequest, "The batch request contains more entries than permissible")
        }
        guard Set(entries.map(\.id)).count == entries.count else {
            throw SNSError(.batchEntryIdsNotDistinct, "Two or more batch entries in the request have the same Id")
        }
        for e in entries {
            guard !e.id.isEmpty, e.id.utf8.count <= 80,
                e.id.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || Self.isLetter($0) })
            else {
                throw SNSError(
                    .invalidBatchEntryId,
                    "The Id of a batch entry in a batch request doesn't abide by the specification")
            }
        }
        guard entries.reduce(0, { $0 + $1.message.utf8.count }) <= Self.maximumMessageBytes else {
            throw SNSError(.batchRequestTooLong, "The length of all the messages put together is more than the limit")
        }
        let topic = try await existingTopic(input.topicArn)
        var successful: [SNS.PublishBatchResultEntry] = []
        var failed: [SNS.BatchResultErrorEntry] = []
        var queued: [NewDelivery] = []
        let at = now()
        for e in entries {
            do {
                let message = try Self.validated(
                    message: e.message, subject: e.subject, structure: e.messageStructure,
                    attributes: e.messageAttributes)
                let id = UUID().uuidString.lowercased()
                queued += try await deliveries(
                    topic: topic.arn, messageID: id, message: message, subject: e.subject,
                    attributes: message.attributes,
                    at: at)
                successful.append(SNS.PublishBatchResultEntry(id: e.id, messageId: id))
            } catch let error as SNSError {
                failed.append(
                    SNS.BatchResultErrorEntry(
                        id: e.id, code: error.code.queryCode, message: error.message, senderFault: true))
            }
        }
        try await store.enqueue(queued, now: at)
        return SNS.PublishBatchOutput(successful: successful, failed: failed)
    }

    /// A message checked as SNS checks it, with its text per protocol (MessageStructure `json`).
    struct CheckedMessage {
        let byProtocol: [String: String]
        let fallback: String
        let attributes: [MessageAttribute]

        func text(for protocol: String) -> String { byProtocol[`protocol`] ?? fallback }
    }

    static func validated(
        message: String, subject: String?, structure: String?, attributes: [String: SNS.MessageAttributeValue]?
    ) throws -> CheckedMessage {
        guard !message.isEmpty else { throw SNSError.invalid("Invalid parameter: Empty message") }
        guard message.utf8.count <= maximumMessageBytes else {
            throw SNSError.invalid("Invalid parameter: Message too long")
        }
        if let subject {
            guard !subject.isEmpty, subject.count < 100,
                subject.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F })
            else {
                throw SNSError.invalid(
                    "Invalid parameter: Subject must be ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or control characters; and must be less than 100 characters long."
                )
            }
        }
        var byProtocol: [String: String] = [:]
        var fallback = message
        if let structure {
            guard structure == "json" else { throw SNSError.invalid("Invalid parameter: MessageStructure") }
            guard case .object(let o)? = try? JSONValue(parsing: Array(message.utf8)) else {
                throw SNSError.invalid("Invalid parameter: Message Structure - JSON message body failed to parse")
            }
            guard case .string(let d)? = o["default"] else {
                throw SNSError.invalid("Invalid parameter: Message Structure - No default entry in JSON message body")
            }
            fallback = d
            for m in o.members {
                guard case .string(let text) = m.value else {
                    throw SNSError.invalid("Invalid parameter: Message Structure - \(m.key) is not a string")
                }
                byProtocol[m.key] = text
            }
        }
        let given = (attributes ?? [:]).sorted { $0.key < $1.key }
        guard given.count <= maximumMessageAttributes else {
            throw SNSError.invalid(
                "Invalid parameter: MessageAttributes Reason: Number of message attributes [\(given.count)] exceeds the allowed maximum [10]."
            )
        }
        var checked: [MessageAttribute] = []
        for (name, v) in given {
            let base = v.dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            let value: String?
            switch base {
            case "String": value = v.stringValue
            case "Number":
                value = v.stringValue
                if let n = value, Double(n) == nil {
                    throw SNSError(
                        .invalidParameterValue,
                        "The message attribute '\(name)' with type 'Number' must have a numeric value.")
                }
            case "Binary": value = v.binaryValue
            default:
                throw SNSError(
                    .invalidParameterValue,
                    "The message attribute '\(name)' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
                )
            }
            guard let value, !value.isEmpty else {
                throw SNSError(
                    .invalidParameterValue,
                    "The message attribute '\(name)' must contain non-empty message attribute value.")
            }
            checked.append(MessageAttribute(name: name, dataType: v.dataType, value: value))
        }
        return CheckedMessage(byProtocol: byProtocol, fallback: fallback, attributes: checked)
    }

    /// One delivery per confirmed subscription of the topic whose filter policy lets the message through.
    func deliveries(
        topic: String, messageID: String, message: CheckedMessage, subject: String?, attributes: [MessageAttribute],
        at: Int64
    ) async throws -> [NewDelivery] {
        let subscriptions = try await store.subscriptions(topicARN: topic)
        return subscriptions.filter(\.confirmed).compactMap { s in
            let text = message.text(for: s.protocol)
            if let policy = s.attributes["FilterPolicy"].flatMap({ try? FilterPolicy(json: $0) }) {
                let passes =
                    s.attributes["FilterPolicyScope"] == "MessageBody"
                    ? policy.matches(body: text) : policy.matches(attributes: attributes)
                guard passes else { return nil }
            }
            return NewDelivery(
                subscriptionARN: s.arn, kind: .notification, messageID: messageID, topicARN: topic, subject: subject,
                message: text, attributes: Self.attributesText(attributes), timestamp: at)
        }
    }

    /// Message attributes as stored with a delivery: the envelope's MessageAttributes JSON.
    static func attributesText(_ attributes: [MessageAttribute]) -> String {
        attributes.isEmpty ? "" : SNSEnvelope.attributesJSON(attributes)
    }

    /// Hands pending alarm notifications to their topics' subscribers (each message once, whichever
    /// process gets to it first); how many were handed over.
    @discardableResult
    public func fanOutAlarmNotifications(limit: Int = 500) async throws -> Int {
        var count = 0
        for m in try await store.pendingOutbox(limit: limit) {
            let subject = Self.alarmSubject(m.payload)
            let message = CheckedMessage(byProtocol: [:], fallback: m.payload, attributes: [])
            let list: [NewDelivery]
            if try await store.topic(arn: m.action) != nil {
                list = try await deliveries(
                    topic: m.action, messageID: UUID().uuidString.lowercased(), message: message, subject: subject,
                    attributes: [], at: now())
            } else {
                list = []
            }
            if try await store.fanOut(outboxID: m.id, deliveries: list, now: now()) { count += 1 }
        }
        return count
    }

    /// CloudWatch's subject for an alarm notification: `ALARM: "NAME" in US East (N. Virginia)`, at most
    /// 100 characters as SNS allows (a longer one is cut short).
    static func alarmSubject(_ payload: String) -> String? {
        guard case .object(let o)? = try? JSONValue(parsing: Array(payload.utf8)),
            case .string(let state)? = o["NewStateValue"], case .string(let name)? = o["AlarmName"],
            case .string(let region)? = o["Region"]
        else { return nil }
        let subject = "\(state): \"\(name)\" in \(region)"
        let ascii = String(subject.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.map(Character.init))
        return String(ascii.prefix(99))
    }
}
