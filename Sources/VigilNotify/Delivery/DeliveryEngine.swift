public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
import Synchronization
import VigilMetrics
import VigilPatterns
import VigilService
public import VigilStore
import VigilWire

/// Sends what the outbox holds: hands alarm notifications to their topics' subscribers, then POSTs each
/// due delivery to its receiver over libcurl, in order per subscription (one in flight per
/// subscription, many subscriptions at once), recording the attempts in group commits: a subscription's
/// run of deliveries (each sent once the one before it was answered) shares one commit, and its next
/// run is chosen only after that commit.
///
/// A delivery leaves the outbox only after a 2xx. 5xx, 429, timeouts and connection failures are
/// retried as the subscription's (or topic's, or SNS's default) delivery policy says, a `Retry-After`
/// pushing the retry later; any other 4xx, a denied address or the last failed attempt puts it on the
/// dead-letter list. A crash between the POST and its record sends it again after the restart: at
/// least once, with the same MessageId. Only the process holding the data directory's `notifications`
/// lease delivers.
public final class DeliveryEngine: Service, Sendable {
    let store: any StoreBackend
    let sns: SNSService
    let client: CurlClient
    let key: SigningKey
    let links: SNSEnvelope.Links
    let logger: Logger
    let now: @Sendable () -> Int64
    let random: @Sendable () -> Double
    let holder = LeaseHolder.current(tag: "notifications")
    let inFlight = Mutex<Set<String>>([])
    let noRelayLogged = Mutex(false)
    /// Where `email` and `email-json` deliveries go; without one they wait (held, not attempted).
    public let mailRelay: MailRelay?
    /// E-mail subscriptions seen while no relay is configured: held for the process's life.
    let waitingForRelay = Mutex<Set<String>>([])
    let doorbell = Doorbell()
    let recorder: OutcomeRecorder
    /// At most this many deliveries of one subscription are sent in one run before its records are
    /// committed (one commit, one fsync, for them all).
    public let runLength: Int
    /// Circuit breakers by destination (restored from the store when the lease is first held).
    let breakers: Mutex<CircuitBreakers>
    let breakersRestored = Mutex(false)
    /// The destination of each subscription seen, to hold those of an open circuit.
    let destinationOf = Mutex<[String: String]>([:])
    /// Subscriptions whose `throttlePolicy.maxReceivesPerSecond` lets their next delivery go only then (ms).
    let throttledUntil = Mutex<[String: Int64]>([:])
    /// Signatures by version and MessageId (``notification(_:subscriptionARN:version:)``).
    let signatures = Mutex<[String: String]>([:])
    /// At most this many deliveries in flight at once.
    public let concurrency: Int
    /// While deliveries are in flight, a pass starts more only when this many slots are free.
    var refill: Int { max(1, concurrency / 8) }
    /// How long a receiver has to answer (SNS gives 15 s), connecting included.
    public let timeout: Duration

    public static let leaseName = "notifications"
    public static let leaseMilliseconds: Int64 = 30_000

    public init(
        store: any StoreBackend, sns: SNSService, client: CurlClient, key: SigningKey, links: SNSEnvelope.Links,
        logger: Logger, mailRelay: MailRelay? = nil, concurrency: Int = 256, timeout: Duration = .seconds(15),
        breakers: CircuitBreakers = .init(), runLength: Int = 64,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.store = store
        self.sns = sns
        self.client = client
        self.key = key
        self.links = links
        self.logger = logger
        self.mailRelay = mailRelay
        self.concurrency = concurrency
        self.timeout = timeout
        self.breakers = Mutex(breakers)
        self.runLength = max(1, runLength)
        self.recorder = OutcomeRecorder(store: store)
        self.now = now
        self.random = random
        // Work committed in this process starts at once; other processes' waits for the poll.
        store.outboxBell.listen { [doorbell] in doorbell.ring() }
    }

    public func run() async throws {
        let stop = Mutex(false)
        await withGracefulShutdownHandler {
            var leaseChecked: Int64 = 0
            var reported: Int64 = 0
            var holding = false
            await withTaskGroup(of: Void.self) { group in
                while !stop.withLock({ $0 }) && !Task.isCancelled {
                    let t = now()
                    if t - leaseChecked >= Self.leaseMilliseconds / 3 {
                        leaseChecked = t
                        let was = holding
                        holding = (try? await self.holdsLease(at: t)) ?? false
                        if holding != was {
                            logger.info(
                                holding ? "holding the notifications lease" : "waiting for the notifications lease")
                        }
                    }
                    if holding && t - reported >= Self.reportMilliseconds {
                        reported = t
                        await reportOutstanding()
                    }
                    var started = 0
                    if holding {
                        do {
                            started = try await self.dispatch(into: &group)
                        } catch {
                            // The store failed (disk full, a lock held too long): say so, and try again.
                            logger.error("delivery pass failed", metadata: ["error": "\(error)"])
                            try? await Task.sleep(for: .seconds(1))
                        }
                    }
                    if started == 0 { await doorbell.wait(timeout: .milliseconds(50)) }
                }
                await group.waitForAll()
            }
            try? await store.releaseLease(Self.leaseName, holder: holder)
            await client.shutdown()
        } onGracefulShutdown: {
            stop.withLock { $0 = true }
        }
    }

    /// How often the pending and dead counts go to `/metrics` (ms).
    static let reportMilliseconds: Int64 = 2_000

    /// `vigil_notifications_pending` and `vigil_notifications_dead` on `/metrics`.
    func reportOutstanding() async {
        guard let (pending, dead) = try? await store.outstandingDeliveries() else { return }
        Gauge(label: "vigil_notifications_pending").record(pending)
        Gauge(label: "vigil_notifications_dead").record(dead)
    }

    func holdsLease(at t: Int64) async throws -> Bool {
        let lease = try await LeaseHolder.acquire(
            Self.leaseName, holder: holder, now: t, until: t + Self.leaseMilliseconds, in: store)
        return lease.holder == holder
    }

    /// One pass: fans out pending alarm messages and starts the due deliveries as tasks of `group`;
    /// how many it started.
    func dispatch(into group: inout TaskGroup<Void>) async throws -> Int {
        try await restoreBreakers()
        try await sns.fanOutAlarmNotifications()
        let flying = inFlight.withLock { $0 }
        let room = concurrency - flying.count
        // Finding due deliveries probes every subscription, so while many are in flight the pass waits
        // until enough slots are free to make it worth one.
        guard room > 0, flying.isEmpty || room >= refill else { return 0 }
        let t = now()
        let due = try await store.dueDeliveries(now: t, limit: room, busy: flying.union(held(at: t)))
        for d in due {
            inFlight.withLock { _ = $0.insert(d.delivery.subscriptionARN) }
            group.addTask {
                await self.attempt(d)
                _ = self.inFlight.withLock { $0.remove(d.delivery.subscriptionARN) }
                self.doorbell.ring()
            }
        }
        return due.count
    }

    /// Runs every due delivery once and waits for them (the tests' step; `run` overlaps passes).
    public func pass() async throws {
        try await restoreBreakers()
        try await withThrowingTaskGroup(of: Void.self) { group in
            try await sns.fanOutAlarmNotifications()
            let t = now()
            for d in try await store.dueDeliveries(now: t, limit: concurrency, busy: held(at: t)) {
                group.addTask { await self.attempt(d) }
            }
            try await group.waitForAll()
        }
    }

    /// Subscriptions whose deliveries wait at `t`: throttled, or to a destination whose circuit holds them.
    func held(at t: Int64) -> Set<String> {
        var out = throttledUntil.withLock { until in
            until = until.filter { $0.value > t }
            return Set(until.keys)
        }
        out.formUnion(waitingForRelay.withLock { $0 })
        let destinations = breakers.withLock { $0.held(at: t) }
        if !destinations.isEmpty {
            for (subscription, destination) in destinationOf.withLock({ $0 }) where destinations.contains(destination) {
                out.insert(subscription)
            }
        }
        return out
    }

    /// Reads the circuit states a previous run saved, once.
    func restoreBreakers() async throws {
        guard !breakersRestored.withLock({ $0 }) else { return }
        let saved = try await store.destinations()
        breakers.withLock { b in
            var restored = CircuitBreakers(restoring: saved)
            restored.failureThreshold = b.failureThreshold
            restored.cooldown = b.cooldown
            restored.maximumCooldown = b.maximumCooldown
            b = restored
        }
        breakersRestored.withLock { $0 = true }
        for h in saved where h.state != .closed {
            Gauge(label: "vigil_notifications_circuit_open", dimensions: [("destination", h.destination)]).record(1)
        }
    }

    /// Tells the destination's breaker how the attempt went: logs, saves and reports an open or a close.
    func observe(_ destination: String, failure: String?) async {
        guard let change = breakers.withLock({ $0.record(destination, failure: failure, at: now()) }) else { return }
        if change.state == .open {
            logger.warning(
                "circuit opened: deliveries to the destination are held",
                metadata: [
                    "destination": "\(destination)", "failures": "\(change.failures)",
                    "retry_at": "\(UTCDateText.seconds(change.retryAt))", "error": "\(change.lastError ?? "-")",
                ])
        } else {
            logger.info("circuit closed: the destination answers again", metadata: ["destination": "\(destination)"])
        }
        Gauge(label: "vigil_notifications_circuit_open", dimensions: [("destination", destination)])
            .record(change.state == .open ? 1 : 0)
        do {
            try await store.saveDestination(change)
        } catch {
            logger.error("circuit state not saved", metadata: ["destination": "\(destination)", "error": "\(error)"])
        }
    }

    /// Sends `first`, then, while each is answered, the subscription's next due deliveries in order (up
    /// to ``runLength``, one at a time), submitting every outcome to the recorder without waiting for
    /// its commit; returns once they are all committed, so the next pass sees them.
    func attempt(_ first: DeliveryRecord) async {
        var d = first
        var ticket = 0
        var sent = 0
        var read: Recipient?
        // The run's later deliveries, read in one query after its first is answered: nothing else sends
        // this subscription's deliveries while it is in flight.
        var queued: ArraySlice<DeliveryRecord>?
        while true {
            let outcome: DeliveryOutcome
            do {
                guard let o = try await send(d, recipient: &read) else { break }  // held by its destination's circuit
                outcome = o
            } catch {
                logger.error("delivery failed to run", metadata: ["id": "\(d.id)", "error": "\(error)"])
                break
            }
            ticket = await recorder.submit(d.id, outcome)
            log(d, outcome)
            sent += 1
            guard case .delivered = outcome, sent < runLength else { break }
            let subscription = d.delivery.subscriptionARN
            if throttledUntil.withLock({ $0[subscription] ?? 0 }) > now() { break }
            if queued == nil {
                let rest = try? await store.nextPending(
                    subscriptionARN: subscription, after: d.id, limit: runLength - 1)
                queued = (rest ?? [])[...]
            }
            guard let next = queued?.popFirst(), next.nextAttempt <= now() else { break }
            d = next
        }
        guard ticket > 0 else { return }
        do {
            try await recorder.flush(through: ticket)
        } catch {
            logger.error(
                "delivery outcomes not recorded (they are sent again)",
                metadata: ["subscription": "\(first.delivery.subscriptionARN)", "error": "\(error)"])
        }
    }

    /// One structured line per attempt, and its count on `/metrics`.
    func log(_ d: DeliveryRecord, _ outcome: DeliveryOutcome) {
        var metadata: Logger.Metadata = [
            "subscription": "\(d.delivery.subscriptionARN)", "message_id": "\(d.delivery.messageID)",
            "type": "\(d.delivery.kind.rawValue)", "attempt": "\(d.attempts + 1)",
        ]
        let result: String
        switch outcome {
        case .delivered(let status, let ms, _):
            result = "delivered"
            metadata["status"] = "\(status)"
            metadata["ms"] = "\(ms)"
        case .retry(let next, let status, let error, _):
            result = "retry"
            metadata["status"] = "\(status.map(String.init) ?? "-")"
            metadata["error"] = "\(error)"
            metadata["next"] = "\(UTCDateText.seconds(next))"
        case .dead(let status, let error, _):
            result = "dead-lettered"
            metadata["status"] = "\(status.map(String.init) ?? "-")"
            metadata["error"] = "\(error)"
        }
        metadata["outcome"] = "\(result)"
        logger.info("delivery", metadata: metadata)
        Counter(label: "vigil_notifications_deliveries_total", dimensions: [("outcome", result)]).increment()
    }

    /// The POST (or the e-mail) and what it means for the delivery; nil when it is held (its
    /// destination's circuit is open, or it is an e-mail and no relay is configured): nothing sent,
    /// nothing to record.
    ///
    /// `recipient` is the subscription and topic as read for the run's first delivery, read here when
    /// nil: a run sees the attributes they had when it started.
    func send(_ d: DeliveryRecord, recipient: inout Recipient?) async throws -> DeliveryOutcome? {
        if recipient == nil,
            let s = try await store.subscription(
                arn: d.delivery.subscriptionARN, includingUnsubscribed: d.delivery.kind == .unsubscribeConfirmation)
        {
            let topic = try await store.topic(arn: d.delivery.topicARN)
            let destination = CircuitBreakers.destination(of: mailRelay.map(\.url) ?? s.endpoint)
            destinationOf.withLock { $0[s.arn] = destination }
            recipient = Recipient(subscription: s, topic: topic, destination: destination)
        }
        guard let recipient else {
            return .dead(status: nil, error: "the subscription no longer exists", at: now())
        }
        let subscription = recipient.subscription
        let isMail = subscription.protocol == "email" || subscription.protocol == "email-json"
        if isMail && mailRelay == nil {
            waitingForRelay.withLock { _ = $0.insert(subscription.arn) }
            let logged = noRelayLogged.withLock { flag -> Bool in
                defer { flag = true }
                return flag
            }
            if !logged {
                logger.warning(
                    "e-mail deliveries wait: no SMTP relay is configured (vigil serve --smtp-url)",
                    metadata: ["subscription": "\(subscription.arn)"])
            }
            return nil
        }
        let topic = recipient.topic
        let (version, policy, destination) = (recipient.version, recipient.policy, recipient.destination)
        let raw =
            !isMail && subscription.attributes["RawMessageDelivery"] == "true" && d.delivery.kind == .notification
        let document: String
        switch d.delivery.kind {
        case .notification:
            document =
                raw || subscription.protocol == "email"
                ? d.delivery.message
                : try notification(d, subscriptionARN: subscription.arn, version: version)
        case .subscriptionConfirmation, .unsubscribeConfirmation:
            document = try SNSEnvelope.confirmation(
                d.delivery.kind == .subscriptionConfirmation ? .subscribe : .unsubscribe,
                messageID: d.delivery.messageID, topicARN: d.delivery.topicARN, subscriptionARN: subscription.arn,
                token: d.delivery.token ?? "", timestamp: d.delivery.timestamp, links: links, key: key, version: version
            )
        }
        guard breakers.withLock({ $0.admits(destination, at: now()) }) else { return nil }
        if let rate = policy.maxReceivesPerSecond, rate > 0 {
            let gap = (1000 + Int64(rate) - 1) / Int64(rate)
            throttledUntil.withLock { $0[subscription.arn] = now() + gap }
        }
        let result: Result<WebhookResponse, TransferFailure>
        if let relay = mailRelay, isMail {
            let mail = SNSMail.message(
                d.delivery, subscription: subscription, topicDisplayName: topic?.attributes["DisplayName"],
                document: document, from: relay.from, links: links)
            result = await client.send(relay.request(to: subscription.endpoint, message: mail.rendered()))
        } else {
            result = await client.send(webhook(d, subscription: subscription, body: document, raw: raw))
        }
        switch result {
        case .success(let r): await observe(destination, failure: r.status >= 500 ? "HTTP \(r.status)" : nil)
        case .failure(.rejected): await observe(destination, failure: nil)  // the relay answered
        case .failure(let failure) where failure.isRetryable: await observe(destination, failure: failure.description)
        case .failure: breakers.withLock { $0.release(destination) }
        }
        let at = now()
        let retry = d.attempts + 1
        switch result {
        case .success(let r) where (200..<300).contains(r.status):
            return .delivered(status: r.status, latencyMilliseconds: Self.milliseconds(r.elapsed), at: at)
        case .success(let r) where r.status == 429 || r.status >= 500:
            let error = "HTTP \(r.status)"
            guard var delay = policy.jitteredDelay(beforeRetry: retry, random: random()) else {
                return .dead(status: r.status, error: error, at: at)
            }
            if r.status == 429 || r.status == 503,
                let after = r.retryAfter.flatMap({ Self.retryAfterSeconds($0, now: at) })
            {
                delay = max(delay, min(after, Double(DeliveryPolicy.maximumSeconds)))
            }
            return .retry(
                next: at + Int64(delay * 1000), status: r.status, error: error,
                latencyMilliseconds: Self.milliseconds(r.elapsed))
        case .success(let r):
            return .dead(status: r.status, error: "HTTP \(r.status): not retried", at: at)
        case .failure(let failure) where failure.isRetryable:
            guard let delay = policy.jitteredDelay(beforeRetry: retry, random: random()) else {
                return .dead(status: nil, error: failure.description, at: at)
            }
            return .retry(
                next: at + Int64(delay * 1000), status: nil, error: failure.description, latencyMilliseconds: nil)
        case .failure(let failure):
            return .dead(status: nil, error: failure.description, at: at)
        }
    }

    /// A delivery's subscription and its topic (nil when the topic has gone), as a run read them.
    /// What a run derives from them once: the signature version, the delivery policy in force (the
    /// subscription's, else the topic's, else SNS's default) and the circuit's destination.
    struct Recipient {
        let subscription: SubscriptionRecord
        let topic: TopicRecord?
        let destination: String
        let version: SigningKey.Version
        let policy: DeliveryPolicy

        init(subscription: SubscriptionRecord, topic: TopicRecord?, destination: String) {
            self.subscription = subscription
            self.topic = topic
            self.destination = destination
            version = SigningKey.Version(rawValue: topic?.attributes["SignatureVersion"] ?? "1") ?? .v1
            let policyText = subscription.attributes["DeliveryPolicy"] ?? topic?.attributes["DeliveryPolicy"]
            policy = policyText.flatMap { try? DeliveryPolicy(json: $0) } ?? .standard
        }
    }

    /// The POST of a delivery's document with SNS's headers.
    func webhook(_ d: DeliveryRecord, subscription: SubscriptionRecord, body: String, raw: Bool) -> WebhookRequest {
        var headers: [(name: String, value: String)] = [
            ("x-amz-sns-message-type", d.delivery.kind.rawValue), ("x-amz-sns-message-id", d.delivery.messageID),
            ("x-amz-sns-topic-arn", d.delivery.topicARN),
        ]
        if d.delivery.kind == .notification { headers.append(("x-amz-sns-subscription-arn", subscription.arn)) }
        if raw { headers.append(("x-amz-sns-rawdelivery", "true")) }
        headers.append(("Content-Type", "text/plain; charset=UTF-8"))
        if let secrets = subscription.attributes["VigilSigningSecret"] {
            headers.append(
                ("x-vigil-signature", SharedSecretSignature.header(body: Array(body.utf8), secrets: secrets)))
        }
        var request = WebhookRequest(url: subscription.endpoint, headers: headers, body: Array(body.utf8))
        request.connectTimeout = timeout
        request.totalTimeout = timeout
        return request
    }

    /// A Notification document, its signature made once per message and version and shared by all the
    /// message's subscribers (it does not cover the subscription).
    func notification(_ d: DeliveryRecord, subscriptionARN: String, version: SigningKey.Version) throws -> String {
        let m = PublishedMessage(
            messageID: d.delivery.messageID, topicARN: d.delivery.topicARN, subject: d.delivery.subject,
            message: d.delivery.message, timestamp: d.delivery.timestamp)
        let cacheKey = "\(version.rawValue)/\(m.messageID)"
        let signature: String
        if let cached = signatures.withLock({ $0[cacheKey] }) {
            signature = cached
        } else {
            signature = try SNSEnvelope.signature(m, key: key, version: version)
            signatures.withLock { cache in
                if cache.count >= Self.cachedSignatures { cache.removeAll(keepingCapacity: true) }
                cache[cacheKey] = signature
            }
        }
        return SNSEnvelope.notification(
            m, attributesJSON: d.delivery.attributes, subscriptionARN: subscriptionARN, links: links, version: version,
            signature: signature)
    }

    /// Signatures kept for messages being delivered (cleared when full).
    static let cachedSignatures = 10_000

    static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    /// `Retry-After` in seconds: a number of seconds (an HTTP date is not honoured).
    /// A `Retry-After` in seconds from `now` (ms): delay-seconds, or an HTTP-date (a date already past
    /// asks for no wait). Nil when it is neither.
    static func retryAfterSeconds(_ text: String, now: Int64) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(text) { return n >= 0 ? Double(n) : nil }
        guard let date = UTCDateText.parseHTTPDate(text) else { return nil }
        return Double(max(0, date - now)) / 1000
    }
}
