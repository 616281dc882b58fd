import Synchronization
import Testing
import VigilAlarms
import VigilStore

/// The outbox as the delivery engine reads it: each subscription's pending deliveries in the order they
/// were queued, the head of each when it is due, and a run's later deliveries in one read.
struct DeliveryQueueTests {
    static let topic = "arn:aws:sns:us-east-1:123456789012:t"

    /// Subscriptions `a` and `b`, with deliveries a0 b0 a1 b1 … queued in that order.
    static func store(messages: Int) async throws -> SQLiteLogStore {
        let store = try SQLiteLogStore(path: ":memory:")
        _ = try await store.insertTopic(TopicRecord(arn: topic, name: "t", attributes: [:], created: 0), tags: [])
        for s in ["a", "b"] {
            try await store.insertSubscription(
                SubscriptionRecord(
                    arn: "\(topic):\(s)", topicARN: topic, protocol: "http", endpoint: "http://127.0.0.1:9/\(s)",
                    owner: "1", confirmed: true, token: nil, tokenExpires: nil, attributes: [:], created: 0))
        }
        try await store.enqueue(
            (0..<messages).flatMap { m in
                ["a", "b"].map {
                    NewDelivery(
                        subscriptionARN: "\(topic):\($0)", kind: .notification, messageID: "\($0)\(m)", topicARN: topic,
                        subject: nil, message: "x", timestamp: 0)
                }
            }, now: 0)
        return store
    }

    @Test(
        "a run's next deliveries: the subscription's own, pending, after the one sent, oldest first, at most the limit")
    func nextPendingReadsARun() async throws {
        let store = try await Self.store(messages: 6)
        let a = try await store.nextPending(subscriptionARN: "\(Self.topic):a", after: 0, limit: 100)
        #expect(a.map(\.delivery.messageID) == ["a0", "a1", "a2", "a3", "a4", "a5"])
        // a1 delivered, a2 dead: neither is pending any more.
        try await store.record(deliveryID: a[1].id, .delivered(status: 200, latencyMilliseconds: 1, at: 1))
        try await store.record(deliveryID: a[2].id, .dead(status: 410, error: "gone", at: 1))
        let rest = try await store.nextPending(subscriptionARN: "\(Self.topic):a", after: a[0].id, limit: 2)
        #expect(rest.map(\.delivery.messageID) == ["a3", "a4"])
        #expect(try await store.nextPending(subscriptionARN: "\(Self.topic):a", after: a[5].id, limit: 10).isEmpty)
        #expect(try await store.nextPending(subscriptionARN: "\(Self.topic):a", after: 0, limit: 0).isEmpty)
        #expect(try await store.nextPending(subscriptionARN: "\(Self.topic):none", after: 0, limit: 10).isEmpty)
    }

    @Test("only the head of each subscription is due, and a busy subscription's head is left out")
    func dueDeliveriesAreHeads() async throws {
        let store = try await Self.store(messages: 3)
        let due = try await store.dueDeliveries(now: 0, limit: 10, busy: [])
        #expect(due.map(\.delivery.messageID).sorted() == ["a0", "b0"])
        let notBusy = try await store.dueDeliveries(now: 0, limit: 10, busy: ["\(Self.topic):a"])
        #expect(notBusy.map(\.delivery.messageID) == ["b0"])
        // a0 waits for a retry: a's later deliveries wait behind it.
        let a0 = try #require(due.first { $0.delivery.messageID == "a0" })
        try await store.record(
            deliveryID: a0.id, .retry(next: 20_000, status: 500, error: "HTTP 500", latencyMilliseconds: 1))
        #expect(try await store.dueDeliveries(now: 1, limit: 10, busy: []).map(\.delivery.messageID) == ["b0"])
        #expect(
            try await store.dueDeliveries(now: 20_000, limit: 10, busy: []).map(\.delivery.messageID).sorted() == [
                "a0", "b0",
            ])
    }

    @Test("the outbox bell rings once a write that gives the engine work has committed, and not for reads")
    func outboxBellRingsAfterWork() async throws {
        let store = try await Self.store(messages: 1)
        let rings = Mutex(0)
        store.outboxBell.listen { rings.withLock { $0 += 1 } }
        _ = try await store.dueDeliveries(now: 0, limit: 10, busy: [])
        #expect(rings.withLock { $0 } == 0)
        try await store.enqueue(
            [
                NewDelivery(
                    subscriptionARN: "\(Self.topic):a", kind: .notification, messageID: "later", topicARN: Self.topic,
                    subject: nil, message: "x", timestamp: 0)
            ], now: 0)
        #expect(rings.withLock { $0 } == 1)
        let history = AlarmHistoryItem(alarmName: "A", timestamp: 0, type: .stateUpdate, summary: "s", data: "{}")
        _ = try await store.putAlarm(
            name: "A", definition: "{}", namespace: "N", metricName: "M", actionsEnabled: true, now: 0, history: history
        )
        try await store.commit(
            [
                AlarmTransition(
                    alarmName: "A", from: .insufficientData, state: .alarm, reason: "r", reasonData: nil, at: 1,
                    history: history, notifications: [(Self.topic, "{}")])
            ],
            actionHistory: { name, action, _, at, _ in
                AlarmHistoryItem(alarmName: name, timestamp: at, type: .action, summary: action, data: "{}")
            })
        #expect(rings.withLock { $0 } == 2)
        #expect(try await store.pendingOutbox(limit: 10).count == 1, "rung after the commit, so the work is there")
        let a = try #require(try await store.nextPending(subscriptionARN: "\(Self.topic):a", after: 0, limit: 1).first)
        try await store.record(deliveryID: a.id, .dead(status: 410, error: "gone", at: 1))
        #expect(try await store.redrive(ids: nil, now: 2) == 1)
        #expect(rings.withLock { $0 } == 3)
        #expect(try await store.redrive(ids: nil, now: 3) == 0)
        #expect(rings.withLock { $0 } == 3, "nothing redriven, nothing to ring for")
    }
}
