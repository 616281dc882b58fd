/// An SNS topic: its ARN, name and attributes (DisplayName, Policy, DeliveryPolicy, SignatureVersion …).
public struct TopicRecord: Sendable, Equatable {
    public let arn: String
    public let name: String
    public var attributes: [String: String]
    public let created: Int64

    public init(arn: String, name: String, attributes: [String: String], created: Int64) {
        self.arn = arn
        self.name = name
        self.attributes = attributes
        self.created = created
    }
}

/// A subscription of an endpoint to a topic; pending until confirmed (with the token sent to it).
public struct SubscriptionRecord: Sendable, Equatable {
    public let arn: String
    public let topicARN: String
    /// `http`, `https`, `email` or `email-json`.
    public let `protocol`: String
    public let endpoint: String
    public let owner: String
    public var confirmed: Bool
    /// The confirmation token and when it stops being accepted (ms); nil once confirmed.
    public var token: String?
    public var tokenExpires: Int64?
    public var attributes: [String: String]
    public let created: Int64

    public init(
        arn: String, topicARN: String, protocol: String, endpoint: String, owner: String, confirmed: Bool,
        token: String?, tokenExpires: Int64?, attributes: [String: String], created: Int64
    ) {
        self.arn = arn
        self.topicARN = topicARN
        self.protocol = `protocol`
        self.endpoint = endpoint
        self.owner = owner
        self.confirmed = confirmed
        self.token = token
        self.tokenExpires = tokenExpires
        self.attributes = attributes
        self.created = created
    }
}

/// What a delivery sends: a published message to one subscriber, or a confirmation request.
public enum DeliveryKind: String, Sendable, CaseIterable {
    case notification = "Notification"
    case subscriptionConfirmation = "SubscriptionConfirmation"
    case unsubscribeConfirmation = "UnsubscribeConfirmation"
}

/// One message for one subscription, waiting in the outbox until its receiver takes it.
public struct NewDelivery: Sendable, Equatable {
    public let subscriptionARN: String
    public let kind: DeliveryKind
    public let messageID: String
    public let topicARN: String
    public let subject: String?
    public let message: String
    /// The message attributes as JSON (the delivery writes them into the envelope as they are).
    public let attributes: String
    public let timestamp: Int64
    public let token: String?

    public init(
        subscriptionARN: String, kind: DeliveryKind, messageID: String, topicARN: String, subject: String?,
        message: String, attributes: String = "", timestamp: Int64, token: String? = nil
    ) {
        self.subscriptionARN = subscriptionARN
        self.kind = kind
        self.messageID = messageID
        self.topicARN = topicARN
        self.subject = subject
        self.message = message
        self.attributes = attributes
        self.timestamp = timestamp
        self.token = token
    }
}

/// A delivery as stored, with where it stands.
public struct DeliveryRecord: Sendable, Equatable {
    public let id: Int64
    public let delivery: NewDelivery
    public let status: Status
    /// Attempts made so far.
    public let attempts: Int
    /// When the next attempt is due (ms).
    public let nextAttempt: Int64
    public let lastStatus: Int?
    public let lastError: String?
    public let latencyMilliseconds: Int64?
    /// When it was delivered or dead-lettered (ms).
    public let finished: Int64?

    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for its (next) attempt.
        case pending
        /// A receiver answered 2xx.
        case delivered
        /// Every attempt failed, or one failed in a way no retry mends: on the dead-letter list.
        case dead
    }

    public init(
        id: Int64, delivery: NewDelivery, status: Status, attempts: Int, nextAttempt: Int64, lastStatus: Int?,
        lastError: String?, latencyMilliseconds: Int64?, finished: Int64?
    ) {
        self.id = id
        self.delivery = delivery
        self.status = status
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.latencyMilliseconds = latencyMilliseconds
        self.finished = finished
    }
}

/// How an attempt ended, to record.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(status: Int, latencyMilliseconds: Int64, at: Int64)
    /// Failed; try again at `next`.
    case retry(next: Int64, status: Int?, error: String, latencyMilliseconds: Int64?)
    /// Failed for the last time.
    case dead(status: Int?, error: String, at: Int64)
}

/// Persistence of SNS topics, subscriptions and the per-subscription delivery outbox. Each call is one
/// transaction.
public protocol NotificationStore: Sendable {
    /// Rings after each committed write that may have given the delivery engine work.
    var outboxBell: OutboxBell { get }
    /// Creates the topic; false (and nothing changed) when one with that ARN exists.
    func insertTopic(_ topic: TopicRecord, tags: [(key: String, value: String)]) async throws -> Bool
    func topic(arn: String) async throws -> TopicRecord?
    /// Every topic, by ARN.
    func topics() async throws -> [TopicRecord]
    /// Deletes the topic with its subscriptions, their pending deliveries and its tags; nothing when there is none.
    func deleteTopic(arn: String) async throws
    /// Sets (or with nil removes) one attribute; `notFound(.topic)` when there is no topic.
    func setTopicAttribute(arn: String, name: String, value: String?) async throws

    /// Adds the subscription; `notFound(.topic)` when its topic is gone.
    func insertSubscription(_ subscription: SubscriptionRecord) async throws
    func subscription(arn: String) async throws -> SubscriptionRecord?
    /// A subscription, or one unsubscribed less than three days ago whose UnsubscribeConfirmation may
    /// still be on its way.
    func subscription(arn: String, includingUnsubscribed: Bool) async throws -> SubscriptionRecord?
    /// Unsubscribes: without `confirmation`, deletes the subscription at once; with it, queues the
    /// UnsubscribeConfirmation and keeps the subscription unlisted until its token expires, so that
    /// ConfirmSubscription with that token restores it. Its pending deliveries are dropped; false
    /// when there was no such subscription.
    func unsubscribe(arn: String, confirmation: NewDelivery?, tokenExpires: Int64, now: Int64) async throws -> Bool
    /// Subscriptions by ARN: all, or one topic's.
    func subscriptions(topicARN: String?) async throws -> [SubscriptionRecord]
    /// Deletes the subscription and its pending deliveries; false when there was none.
    @discardableResult func deleteSubscription(arn: String) async throws -> Bool
    func setSubscriptionAttribute(arn: String, name: String, value: String?) async throws
    /// Confirms the topic's subscription holding `token` if it has not expired at `now`; the subscription
    /// confirmed (or already confirmed earlier with it), or nil.
    func confirmSubscription(topicARN: String, token: String, now: Int64) async throws -> SubscriptionRecord?

    func tagResource(arn: String, tags: [(key: String, value: String)]) async throws
    func untagResource(arn: String, keys: [String]) async throws
    /// Tags by key.
    func tags(arn: String) async throws -> [(key: String, value: String)]

    /// Queues deliveries due at `now`; those of subscriptions that no longer exist are skipped.
    func enqueue(_ deliveries: [NewDelivery], now: Int64) async throws
    /// Alarm notifications not yet handed to their topics, oldest first.
    func pendingOutbox(limit: Int) async throws -> [OutboxMessage]
    /// Marks the outbox message published and queues its deliveries, in one transaction; false (nothing
    /// queued) when it was no longer pending, so two processes never queue one message twice.
    func fanOut(outboxID: Int64, deliveries: [NewDelivery], now: Int64) async throws -> Bool
    /// Pending deliveries due at `now`, at most `limit`: only the oldest pending one of each
    /// subscription (deliveries to a subscriber are in order), none of the subscriptions `busy`.
    func dueDeliveries(now: Int64, limit: Int, busy: Set<String>) async throws -> [DeliveryRecord]
    /// When the next pending delivery is due (ms), if any.
    func nextDue() async throws -> Int64?
    /// Records an attempt of a pending delivery.
    func record(deliveryID: Int64, _ outcome: DeliveryOutcome) async throws
    /// Records attempts of pending deliveries, in one transaction.
    func record(_ outcomes: [(deliveryID: Int64, outcome: DeliveryOutcome)]) async throws
    /// The subscription's pending deliveries after `id`, oldest first, at most `limit`.
    func nextPending(subscriptionARN: String, after id: Int64, limit: Int) async throws -> [DeliveryRecord]
    /// Deliveries, newest first: all or in one status.
    func deliveries(status: DeliveryRecord.Status?, limit: Int) async throws -> [DeliveryRecord]
    /// Dead deliveries back to pending, due at `now` with their attempts reset; how many. All of them,
    /// or those listed.
    func redrive(ids: [Int64]?, now: Int64) async throws -> Int
    /// How many deliveries are in each status, and when the oldest pending one was published (ms).
    func deliveryCounts() async throws -> (counts: [DeliveryRecord.Status: Int], oldestPending: Int64?)
    /// How many deliveries are pending and dead, counted from their partial indexes (cheap enough to
    /// report every few seconds, unlike ``deliveryCounts()``).
    func outstandingDeliveries() async throws -> (pending: Int, dead: Int)
    /// Saves a destination's circuit state (replacing what was saved for it).
    func saveDestination(_ health: DestinationHealth) async throws
    /// Every saved destination state, by destination.
    func destinations() async throws -> [DestinationHealth]
}

/// Where a destination's circuit breaker stands (the delivery engine's `CircuitBreakers`), saved when
/// it opens or closes so that `vigil notifications status` can show it and a restart keeps it.
public struct DestinationHealth: Sendable, Equatable {
    /// A receiver's scheme, host and port (`https://hooks.example.com:443`).
    public let destination: String
    public var state: State
    /// Failures running since its last answer.
    public var failures: Int
    /// How long the circuit stays open this time (ms); doubles after each failed trial.
    public var cooldown: Int64
    /// When an open circuit lets its trial delivery go (ms).
    public var retryAt: Int64
    public var lastError: String?
    /// When the state last changed (ms).
    public var changed: Int64
    /// Whether the half-open trial is on its way (not saved: a restart starts no trial in flight).
    public var trialInFlight = false

    public enum State: String, Sendable, CaseIterable {
        /// Deliveries go.
        case closed
        /// Deliveries are held until `retryAt`.
        case open
        /// One trial delivery goes; its outcome closes or reopens the circuit.
        case halfOpen = "half-open"
    }

    public init(
        destination: String, state: State, failures: Int, cooldown: Int64, retryAt: Int64, lastError: String?,
        changed: Int64
    ) {
        self.destination = destination
        self.state = state
        self.failures = failures
        self.cooldown = cooldown
        self.retryAt = retryAt
        self.lastError = lastError
        self.changed = changed
    }
}
