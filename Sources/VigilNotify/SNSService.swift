public import Foundation
public import VigilAPI
public import VigilService
public import VigilStore
import VigilWire

/// Amazon SNS's topic and subscription API over the store: what `vigil serve` answers on awsQuery
/// (Version 2010-03-31) and `vigil sns` runs. Publishing queues one delivery per confirmed subscriber;
/// the ``DeliveryEngine`` sends them.
///
/// ```swift
/// let sns = SNSService(store: store)
/// let arn = try await sns.createTopic(.init(name: "security-alerts")).topicArn
/// ```
public struct SNSService: Sendable {
    let store: any StoreBackend
    public let account: AWSAccount
    let now: @Sendable () -> Int64

    /// SNS's limits: a message of at most 256 KiB, a subject of under 100 characters, 10 message
    /// attributes and 10 entries per batch; confirmation tokens expire after three days.
    public static let maximumMessageBytes = 262_144
    public static let maximumBatchEntries = 10
    public static let maximumMessageAttributes = 10
    public static let tokenLifetime: Int64 = 3 * 86_400_000
    /// The protocols Vigil delivers to.
    public static let protocols: Set<String> = ["http", "https", "email", "email-json"]
    /// Topic attributes a caller may set.
    static let topicAttributes: Set<String> = [
        "DisplayName", "Policy", "DeliveryPolicy", "SignatureVersion", "TracingConfig", "KmsMasterKeyId",
        "ArchivePolicy", "DataProtectionPolicy",
    ]
    /// Subscription attributes a caller may set; `VigilConfirmed` ("true") makes a subscription that
    /// needs no confirmation (for receivers that cannot confirm; an operator's choice), and
    /// `VigilSigningSecret` is the shared secret (or two, comma-separated, during a rotation) of the
    /// `x-vigil-signature` header.
    static let subscriptionAttributes: Set<String> = [
        "DeliveryPolicy", "RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy",
        "SubscriptionRoleArn", "VigilConfirmed", "VigilSigningSecret",
    ]

    public init(
        store: any StoreBackend, account: AWSAccount = .standard,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.store = store
        self.account = account
        self.now = now
    }

    func topicARN(_ name: String) -> String { "arn:aws:sns:\(account.region):\(account.accountID):\(name)" }

    /// Store refusals in SNS's words.
    func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as StoreError {
            switch e {
            case .notFound(.topic): throw SNSError(.notFound, "Topic does not exist")
            case .notFound(.subscription): throw SNSError(.notFound, "Subscription does not exist")
            case .limitExceeded(.tagsPerResource, _, _):
                throw SNSError(.tagLimitExceeded, "Could not complete request: tag quota of per resource exceeded")
            default: throw e
            }
        }
    }

    // MARK: Topics

    public func createTopic(_ input: SNS.CreateTopicInput) async throws -> SNS.CreateTopicOutput {
        let name = input.name
        guard !name.isEmpty, name.utf8.count <= 256,
            name.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || Self.isLetter($0) })
        else {
            throw SNSError.invalid(
                "Invalid parameter: Topic Name must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
            )
        }
        let attributes = input.attributes ?? [:]
        try validateTopicAttributes(attributes)
        if attributes["FifoTopic"] != nil {
            throw SNSError.invalid("Invalid parameter: Attributes Reason: Vigil has no FIFO topics")
        }
        let arn = topicARN(name)
        let tags = (input.tags ?? []).map { (key: $0.key, value: $0.value) }
        let created = try await store.insertTopic(
            TopicRecord(arn: arn, name: name, attributes: attributes, created: now()), tags: tags)
        if !created, let existing = try await store.topic(arn: arn) {
            // Idempotent for the same name and attributes, as SNS is.
            let different = attributes.contains { existing.attributes[$0.key] != $0.value }
            if different {
                throw SNSError.invalid(
                    "Invalid parameter: Attributes Reason: Topic already exists with different attributes")
            }
        }
        return SNS.CreateTopicOutput(topicArn: arn)
    }

    static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }

    func validateTopicAttributes(_ attributes: [String: String]) throws {
        for (name, value) in attributes {
            guard Self.topicAttributes.contains(name) || name == "FifoTopic" else {
                throw SNSError.invalid("Invalid parameter: AttributeName")
            }
            if name == "SignatureVersion", value != "1", value != "2" {
                throw SNSError.invalid("Invalid parameter: SignatureVersion")
            }
            if name == "DeliveryPolicy" {
                do throws(DeliveryPolicy.Invalid) {
                    _ = try DeliveryPolicy(json: value)
                } catch {
                    throw SNSError.invalid("Invalid parameter: \(error.description)")
                }
            }
        }
    }

    func existingTopic(_ arn: String) async throws -> TopicRecord {
        guard let topic = try await store.topic(arn: arn) else { throw SNSError(.notFound, "Topic does not exist") }
        return topic
    }

    /// Idempotent, as SNS documents it: deleting a topic that does not exist is no error (an ARN that
    /// is not a topic's is).
    public func deleteTopic(_ input: SNS.DeleteTopicInput) async throws {
        let parts = input.topicArn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sns", !parts[5].isEmpty else {
            throw SNSError.invalid("Invalid parameter: TopicArn")
        }
        try await store.deleteTopic(arn: input.topicArn)
    }

    public func listTopics(_ input: SNS.ListTopicsInput) async throws -> SNS.ListTopicsOutput {
        let all = try await store.topics()
        let (page, next) = try Self.page(all, token: input.nextToken, size: 100)
        return SNS.ListTopicsOutput(topics: page.map { SNS.Topic(topicArn: $0.arn) }, nextToken: next)
    }

    /// One page of `items` from the position `token` holds.
    static func page<T>(_ items: [T], token: String?, size: Int) throws -> ([T], String?) {
        var start = 0
        if let token {
            guard let n = PageToken.decodeOffset(token), n <= items.count else {
                throw SNSError.invalid("Invalid parameter: NextToken")
            }
            start = n
        }
        let end = min(items.count, start + size)
        return (Array(items[start..<end]), end < items.count ? PageToken.encodeOffset(end) : nil)
    }

    public func getTopicAttributes(_ input: SNS.GetTopicAttributesInput) async throws -> SNS.GetTopicAttributesOutput {
        let topic = try await existingTopic(input.topicArn)
        let subscriptions = try await store.subscriptions(topicARN: topic.arn)
        var a = topic.attributes
        a["TopicArn"] = topic.arn
        a["Owner"] = account.accountID
        a["DisplayName"] = a["DisplayName"] ?? ""
        a["Policy"] = a["Policy"] ?? defaultPolicy(topic.arn)
        a["SubscriptionsConfirmed"] = "\(subscriptions.filter(\.confirmed).count)"
        a["SubscriptionsPending"] = "\(subscriptions.filter { !$0.confirmed }.count)"
        a["SubscriptionsDeleted"] = "0"
        a["EffectiveDeliveryPolicy"] = Self.effectivePolicyJSON(topic.attributes["DeliveryPolicy"])
        a["SignatureVersion"] = a["SignatureVersion"] ?? "1"
        return SNS.GetTopicAttributesOutput(attributes: a)
    }

    /// The access policy SNS gives a new topic: the owner may do everything.
    func defaultPolicy(_ arn: String) -> String {
        """
        {"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"\(arn)","Condition":{"StringEquals":{"AWS:SourceOwner":"\(account.accountID)"}}}]}
        """
    }

    /// The HTTP policy in force, as EffectiveDeliveryPolicy shows it.
    static func effectivePolicyJSON(_ text: String?) -> String {
        let p = text.flatMap { try? DeliveryPolicy(json: $0) } ?? .standard
        let throttle = p.maxReceivesPerSecond.map { ",\"throttlePolicy\":{\"maxReceivesPerSecond\":\($0)}" } ?? ""
        return
            "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":\(p.minDelayTarget),\"maxDelayTarget\":\(p.maxDelayTarget),\"numRetries\":\(p.numRetries),\"numMaxDelayRetries\":\(p.numMaxDelayRetries),\"numNoDelayRetries\":\(p.numNoDelayRetries),\"numMinDelayRetries\":\(p.numMinDelayRetries),\"backoffFunction\":\"\(p.backoffFunction.rawValue)\"},\"disableSubscriptionOverrides\":false\(throttle)}}"
    }

    public func setTopicAttributes(_ input: SNS.SetTopicAttributesInput) async throws {
        guard Self.topicAttributes.contains(input.attributeName) else {
            throw SNSError.invalid("Invalid parameter: AttributeName")
        }
        if let value = input.attributeValue, !value.isEmpty {
            try validateTopicAttributes([input.attributeName: value])
        }
        try await mapped {
            try await store.setTopicAttribute(
                arn: input.topicArn, name: input.attributeName,
                value: input.attributeValue.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    // MARK: Subscriptions

    public func subscribe(_ input: SNS.SubscribeInput) async throws -> SNS.SubscribeOutput {
        let proto = input.protocol.lowercased()
        guard Self.protocols.contains(proto) else {
            throw SNSError.invalid(
                "Invalid parameter: Amazon SNS does not support this protocol string: \(input.protocol)")
        }
        let endpoint = input.endpoint ?? ""
        switch proto {
        case "http", "https":
            guard endpoint.lowercased().hasPrefix(proto + "://"), URL(string: endpoint)?.host?.isEmpty == false else {
                throw SNSError.invalid("Invalid parameter: Endpoint must match the specified protocol")
            }
        default:
            // An address SMTP can carry (no spaces, brackets or line breaks), with a dot in its domain.
            guard MailRequest.isSafeAddress(endpoint), endpoint.split(separator: "@").last?.contains(".") == true else {
                throw SNSError.invalid("Invalid parameter: Email address")
            }
        }
        var attributes = input.attributes ?? [:]
        try validateSubscriptionAttributes(attributes)
        let topic = try await existingTopic(input.topicArn)
        // The same endpoint subscribed again gets the subscription it has.
        if let same = try await store.subscriptions(topicARN: topic.arn).first(where: {
            $0.protocol == proto && $0.endpoint == endpoint
        }) {
            return SNS.SubscribeOutput(
                subscriptionArn: same.confirmed || input.returnSubscriptionArn == true
                    ? same.arn : "pending confirmation")
        }
        let confirmed = attributes.removeValue(forKey: "VigilConfirmed") == "true"
        let arn = topic.arn + ":" + UUID().uuidString.lowercased()
        let token = Self.token()
        let at = now()
        try await mapped {
            try await store.insertSubscription(
                SubscriptionRecord(
                    arn: arn, topicARN: topic.arn, protocol: proto, endpoint: endpoint, owner: account.accountID,
                    confirmed: confirmed, token: confirmed ? nil : token,
                    tokenExpires: confirmed ? nil : at + Self.tokenLifetime,
                    attributes: attributes, created: at))
        }
        if !confirmed {
            try await store.enqueue(
                [
                    NewDelivery(
                        subscriptionARN: arn, kind: .subscriptionConfirmation,
                        messageID: UUID().uuidString.lowercased(),
                        topicARN: topic.arn, subject: nil,
                        message: SNSEnvelope.Confirmation.subscribe.message(topicARN: topic.arn, subscriptionARN: arn),
                        timestamp: at, token: token)
                ], now: at)
        }
        return SNS.SubscribeOutput(
            subscriptionArn: confirmed || input.returnSubscriptionArn == true ? arn : "pending confirmation")
    }

    /// A confirmation token: 128 hex digits of randomness.
    static func token() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<64).map { _ in
            let b = UInt8.random(in: 0...255, using: &g)
            return String(b >> 4, radix: 16) + String(b & 0xF, radix: 16)
        }.joined()
    }

    func validateSubscriptionAttributes(_ attributes: [String: String]) throws {
        for (name, value) in attributes {
            guard Self.subscriptionAttributes.contains(name) else {
                throw SNSError.invalid("Invalid parameter: Attributes Reason: Unknown attribute \(name)")
            }
            switch name {
            case "RawMessageDelivery":
                guard value == "true" || value == "false" else {
                    throw SNSError.invalid("Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value")
                }
            case "DeliveryPolicy":
                do throws(DeliveryPolicy.Invalid) {
                    _ = try DeliveryPolicy(json: value)
                } catch {
                    throw SNSError.invalid("Invalid parameter: \(error.description)")
                }
            case "FilterPolicy":
                do throws(FilterPolicy.Invalid) {
                    _ = try FilterPolicy(json: value)
                } catch {
                    throw SNSError.invalid("Invalid parameter: FilterPolicy: \(error.description)")
                }
            case "VigilSigningSecret":
                let secrets = value.split(separator: ",", omittingEmptySubsequences: false)
                guard (1...2).contains(secrets.count), secrets.allSatisfy({ $0.utf8.count >= 16 }) else {
                    throw SNSError.invalid(
                        "Invalid parameter: Attributes Reason: VigilSigningSecret: one secret, or two separated by a comma, of at least 16 characters each"
                    )
                }
            case "FilterPolicyScope":
                guard value == "MessageAttributes" || value == "MessageBody" else {
                    throw SNSError.invalid("Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value")
                }
            default: break
            }
        }
    }

    public func confirmSubscription(_ input: SNS.ConfirmSubscriptionInput) async throws
        -> SNS.ConfirmSubscriptionOutput
    {
        _ = try await existingTopic(input.topicArn)
        guard let s = try await store.confirmSubscription(topicARN: input.topicArn, token: input.token, now: now())
        else { throw SNSError.invalid("Invalid token") }
        return SNS.ConfirmSubscriptionOutput(subscriptionArn: s.arn)
    }

    /// A confirmed http/https subscriber gets SNS's UnsubscribeConfirmation, whose SubscribeURL (or
    /// ConfirmSubscription with its Token) restores the subscription for three days; others go at once.
    public func unsubscribe(_ input: SNS.UnsubscribeInput) async throws {
        let arn = input.subscriptionArn
        guard let s = try await store.subscription(arn: arn) else {
            throw SNSError(.notFound, "Subscription does not exist")
        }
        var confirmation: NewDelivery?
        let at = now()
        if s.confirmed && (s.protocol == "http" || s.protocol == "https") {
            confirmation = NewDelivery(
                subscriptionARN: arn, kind: .unsubscribeConfirmation, messageID: UUID().uuidString.lowercased(),
                topicARN: s.topicARN, subject: nil,
                message: SNSEnvelope.Confirmation.unsubscribe.message(topicARN: s.topicARN, subscriptionARN: arn),
                timestamp: at, token: Self.token())
        }
        guard
            try await store.unsubscribe(
                arn: arn, confirmation: confirmation, tokenExpires: at + Self.tokenLifetime, now: at)
        else { throw SNSError(.notFound, "Subscription does not exist") }
    }

    func listed(_ s: SubscriptionRecord) -> SNS.Subscription {
        SNS.Subscription(
            subscriptionArn: s.confirmed ? s.arn : "PendingConfirmation", owner: s.owner, protocol: s.protocol,
            endpoint: s.endpoint, topicArn: s.topicARN)
    }

    public func listSubscriptions(_ input: SNS.ListSubscriptionsInput) async throws -> SNS.ListSubscriptionsOutput {
        let (page, next) = try Self.page(
            try await store.subscriptions(topicARN: nil), token: input.nextToken, size: 100)
        return SNS.ListSubscriptionsOutput(subscriptions: page.map(listed), nextToken: next)
    }

    public func listSubscriptionsByTopic(_ input: SNS.ListSubscriptionsByTopicInput) async throws
        -> SNS.ListSubscriptionsByTopicOutput
    {
        _ = try await existingTopic(input.topicArn)
        let (page, next) = try Self.page(
            try await store.subscriptions(topicARN: input.topicArn), token: input.nextToken, size: 100)
        return SNS.ListSubscriptionsByTopicOutput(subscriptions: page.map(listed), nextToken: next)
    }

    func existingSubscription(_ arn: String) async throws -> SubscriptionRecord {
        guard let s = try await store.subscription(arn: arn) else {
            throw SNSError(.notFound, "Subscription does not exist")
        }
        return s
    }

    public func getSubscriptionAttributes(_ input: SNS.GetSubscriptionAttributesInput) async throws
        -> SNS.GetSubscriptionAttributesOutput
    {
        let s = try await existingSubscription(input.subscriptionArn)
        let topicPolicy = try await store.topic(arn: s.topicARN)?.attributes["DeliveryPolicy"]
        var a = s.attributes
        // A secret is written, never read back.
        if a["VigilSigningSecret"] != nil { a["VigilSigningSecret"] = "****" }
        a["SubscriptionArn"] = s.arn
        a["TopicArn"] = s.topicARN
        a["Owner"] = s.owner
        a["Protocol"] = s.protocol
        a["Endpoint"] = s.endpoint
        a["PendingConfirmation"] = s.confirmed ? "false" : "true"
        a["ConfirmationWasAuthenticated"] = s.confirmed ? "true" : "false"
        a["RawMessageDelivery"] = a["RawMessageDelivery"] ?? "false"
        if s.protocol.hasPrefix("http") {
            a["EffectiveDeliveryPolicy"] = Self.effectivePolicyJSON(s.attributes["DeliveryPolicy"] ?? topicPolicy)
        }
        return SNS.GetSubscriptionAttributesOutput(attributes: a)
    }

    public func setSubscriptionAttributes(_ input: SNS.SetSubscriptionAttributesInput) async throws {
        guard Self.subscriptionAttributes.contains(input.attributeName), input.attributeName != "VigilConfirmed" else {
            throw SNSError.invalid("Invalid parameter: AttributeName")
        }
        if let value = input.attributeValue, !value.isEmpty {
            try validateSubscriptionAttributes([input.attributeName: value])
        }
        try await mapped {
            try await store.setSubscriptionAttribute(
                arn: input.subscriptionArn, name: input.attributeName,
                value: input.attributeValue.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    // MARK: Tags

    public func tagResource(_ input: SNS.TagResourceInput) async throws -> SNS.TagResourceOutput {
        try await mapped {
            try await store.tagResource(arn: input.resourceArn, tags: input.tags.map { (key: $0.key, value: $0.value) })
        }
        return SNS.TagResourceOutput()
    }

    public func untagResource(_ input: SNS.UntagResourceInput) async throws -> SNS.UntagResourceOutput {
        try await mapped { try await store.untagResource(arn: input.resourceArn, keys: input.tagKeys) }
        return SNS.UntagResourceOutput()
    }

    public func listTagsForResource(_ input: SNS.ListTagsForResourceInput) async throws
        -> SNS.ListTagsForResourceOutput
    {
        let tags = try await mapped { try await store.tags(arn: input.resourceArn) }
        return SNS.ListTagsForResourceOutput(tags: tags.map { SNS.Tag(key: $0.key, value: $0.value) })
    }
}
