import Foundation
import Testing
import VigilStore

/// `vigil notifications`: the deliveries a data directory holds, its dead letters, and redrive.
struct NotificationsCommandTests {
    @Test(
        "a dead letter is listed with its last error and counted by status with the open circuits, and redrive queues it again"
    )
    func deadLettersAndRedrive() async throws {
        let dir = NSTemporaryDirectory() + "vigil-notifications-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let topic = "arn:aws:sns:us-east-1:123456789012:alerts"
        let subscription = topic + ":s1"
        do {
            let store = try SQLiteLogStore(path: dir + "/vigil.db")
            _ = try await store.insertTopic(
                TopicRecord(arn: topic, name: "alerts", attributes: [:], created: 0), tags: [])
            try await store.insertSubscription(
                SubscriptionRecord(
                    arn: subscription, topicARN: topic, protocol: "http", endpoint: "http://127.0.0.1:9/",
                    owner: "123456789012", confirmed: true, token: nil, tokenExpires: nil, attributes: [:], created: 0))
            try await store.enqueue(
                [
                    NewDelivery(
                        subscriptionARN: subscription, kind: .notification, messageID: "m-1", topicARN: topic,
                        subject: nil, message: "x", timestamp: 0)
                ], now: 0)
            let id = try #require(try await store.deliveries(status: nil, limit: 1).first?.id)
            try await store.record(deliveryID: id, .dead(status: 403, error: "HTTP 403: not retried", at: 1))
            try await store.saveDestination(
                DestinationHealth(
                    destination: "http://127.0.0.1:9", state: .open, failures: 5, cooldown: 30_000,
                    retryAt: 1_800_000_030_000, lastError: "cannot connect: refused", changed: 1_800_000_000_000))
        }
        let cli = CLITests()
        let status = try await cli.output(["notifications", "status"], dataDirectory: dir)
        #expect(
            status == """
                DELIVERIES\tpending 0\tdelivered 0\tdead 1
                DESTINATION\tCIRCUIT\tFAILURES\tRETRY_AT\tCHANGED\tLAST_ERROR
                http://127.0.0.1:9\topen\t5\t2027-01-15T08:00:30.000Z\t2027-01-15T08:00:00.000Z\tcannot connect: refused

                """)
        let dead = try await cli.output(["notifications", "dead-letters"], dataDirectory: dir)
        #expect(dead.contains("\tdead\t1\t-\tNotification\tm-1\t\(subscription)\tHTTP 403: not retried"), "\(dead)")
        #expect(
            try await cli.output(["notifications", "recent", "--status", "pending"], dataDirectory: dir)
                .split(separator: "\n").count == 1)
        #expect(
            try await cli.output(["notifications", "redrive"], dataDirectory: dir) == "1 dead letters queued again\n")
        let pending = try await cli.output(["notifications", "--status", "pending"], dataDirectory: dir)
        #expect(pending.contains("\tpending\t0\t"), "\(pending)")
        let bad = try await cli.run(["notifications", "recent", "--status", "lost", "--data-dir", dir])
        #expect(bad.status != 0 && bad.stderr.contains("--status must be pending, delivered or dead"))
    }
}
