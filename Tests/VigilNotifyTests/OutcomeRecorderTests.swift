import Testing
import VigilStore

@testable import VigilNotify

/// Group commits of delivery outcomes: a flush returns only once its outcomes are in the store, however
/// many attempts submit and flush at once.
struct OutcomeRecorderTests {
    @Test("200 concurrent attempts each see their own outcome committed when their flush returns")
    func flushMeansCommitted() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let topic = "arn:aws:sns:us-east-1:123456789012:t"
        _ = try await store.insertTopic(TopicRecord(arn: topic, name: "t", attributes: [:], created: 0), tags: [])
        try await store.insertSubscription(
            SubscriptionRecord(
                arn: topic + ":s", topicARN: topic, protocol: "http", endpoint: "http://127.0.0.1:9/", owner: "1",
                confirmed: true, token: nil, tokenExpires: nil, attributes: [:], created: 0))
        try await store.enqueue(
            (0..<200).map {
                NewDelivery(
                    subscriptionARN: topic + ":s", kind: .notification, messageID: "m\($0)", topicARN: topic,
                    subject: nil, message: "x", timestamp: 0)
            }, now: 0)
        let ids = try await store.deliveries(status: .pending, limit: 200).map(\.id)
        let recorder = OutcomeRecorder(store: store)
        let late = try await withThrowingTaskGroup(of: Int.self) { group in
            for id in ids {
                group.addTask {
                    let ticket = await recorder.submit(id, .delivered(status: 200, latencyMilliseconds: 1, at: id))
                    try await recorder.flush(through: ticket)
                    let stored = try await store.deliveries(status: .delivered, limit: 1000)
                    return stored.contains { $0.id == id } ? 0 : 1
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(late == 0, "a flush returned before its outcome was committed")
        #expect(try await store.deliveries(status: .pending, limit: 1000).isEmpty)
        let counts = try await store.deliveryCounts().counts
        #expect(counts[.delivered] == 200)
    }
}
