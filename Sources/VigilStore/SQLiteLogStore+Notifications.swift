extension SQLiteLogStore {
    public func insertTopic(_ topic: TopicRecord, tags: [(key: String, value: String)]) async throws -> Bool {
        try await database.write { [self] db in
            try db.statement("INSERT OR IGNORE INTO sns_topics (arn, name, created) VALUES (?, ?, ?)")
                .bind(.text(topic.arn), .text(topic.name), .integer(topic.created)).run()
            guard db.changes == 1 else { return false }
            for (name, value) in topic.attributes { try setAttribute(db, topic.arn, name, value) }
            try setTags(db, topic.arn, tags)
            return true
        }
    }

    public func topic(arn: String) async throws -> TopicRecord? {
        try await database.read { [self] db in try readTopics(db, arn: arn).first }
    }

    public func topics() async throws -> [TopicRecord] {
        try await database.read { [self] db in try readTopics(db, arn: nil) }
    }

    func readTopics(_ db: SQLiteConnection, arn: String?) throws -> [TopicRecord] {
        let s = try db.statement("SELECT arn, name, created FROM sns_topics WHERE ?1 IS NULL OR arn = ?1 ORDER BY arn")
            .bind(arn.map { .text($0) } ?? .null)
        var rows: [(String, String, Int64)] = []
        while try s.step() { rows.append((s.text(0), s.text(1), s.int64(2))) }
        return try rows.map { TopicRecord(arn: $0.0, name: $0.1, attributes: try attributes(db, $0.0), created: $0.2) }
    }

    public func deleteTopic(arn: String) async throws {
        try await database.write { [self] db in
            try deleteSubscriptionRows(db, "topic_arn = ?", .text(arn))
            try db.statement("DELETE FROM sns_attributes WHERE arn = ?").bind(.text(arn)).run()
            try db.statement("DELETE FROM sns_tags WHERE arn = ?").bind(.text(arn)).run()
            try db.statement("DELETE FROM sns_topics WHERE arn = ?").bind(.text(arn)).run()
        }
    }

    public func setTopicAttribute(arn: String, name: String, value: String?) async throws {
        try await database.write { [self] db in
            guard try db.statement("SELECT 1 FROM sns_topics WHERE arn = ?").bind(.text(arn)).step() else {
                throw StoreError.notFound(.topic(arn))
            }
            try setAttribute(db, arn, name, value)
        }
    }

    func setAttribute(_ db: SQLiteConnection, _ arn: String, _ name: String, _ value: String?) throws {
        if let value {
            try db.statement("INSERT OR REPLACE INTO sns_attributes (arn, name, value) VALUES (?, ?, ?)")
                .bind(.text(arn), .text(name), .text(value)).run()
        } else {
            try db.statement("DELETE FROM sns_attributes WHERE arn = ? AND name = ?").bind(.text(arn), .text(name))
                .run()
        }
    }

    func attributes(_ db: SQLiteConnection, _ arn: String) throws -> [String: String] {
        let s = try db.statement("SELECT name, value FROM sns_attributes WHERE arn = ?").bind(.text(arn))
        var out: [String: String] = [:]
        while try s.step() { out[s.text(0)] = s.text(1) }
        return out
    }

    public func insertSubscription(_ r: SubscriptionRecord) async throws {
        try await database.write { [self] db in
            guard try db.statement("SELECT 1 FROM sns_topics WHERE arn = ?").bind(.text(r.topicARN)).step() else {
                throw StoreError.notFound(.topic(r.topicARN))
            }
            try db.statement(
                """
                INSERT INTO sns_subscriptions (arn, topic_arn, protocol, endpoint, owner, confirmed, token, token_expires, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(
                .text(r.arn), .text(r.topicARN), .text(r.protocol), .text(r.endpoint), .text(r.owner),
                .integer(r.confirmed ? 1 : 0), r.token.map { .text($0) } ?? .null,
                r.tokenExpires.map { .integer($0) } ?? .null, .integer(r.created)
            ).run()
            for (name, value) in r.attributes { try setAttribute(db, r.arn, name, value) }
        }
    }

    public func subscription(arn: String) async throws -> SubscriptionRecord? {
        try await subscription(arn: arn, includingUnsubscribed: false)
    }

    public func subscription(arn: String, includingUnsubscribed: Bool) async throws -> SubscriptionRecord? {
        try await database.read { [self] db in
            try readSubscriptions(db, "arn = ?", .text(arn), includingUnsubscribed: includingUnsubscribed).first
        }
    }

    public func subscriptions(topicARN: String?) async throws -> [SubscriptionRecord] {
        try await database.read { [self] db in
            if let topicARN { return try readSubscriptions(db, "topic_arn = ?", .text(topicARN)) }
            return try readSubscriptions(db, "1", nil)
        }
    }

    func readSubscriptions(
        _ db: SQLiteConnection, _ condition: String, _ value: SQLiteValue?, includingUnsubscribed: Bool = false
    ) throws -> [SubscriptionRecord] {
        let live = includingUnsubscribed ? "" : " AND unsubscribed = 0"
        let s = try db.statement(
            "SELECT arn, topic_arn, protocol, endpoint, owner, confirmed, token, token_expires, created FROM sns_subscriptions WHERE \(condition)\(live) ORDER BY arn"
        )
        if let value { _ = try s.bind(value) }
        var out: [SubscriptionRecord] = []
        while try s.step() {
            out.append(
                SubscriptionRecord(
                    arn: s.text(0), topicARN: s.text(1), protocol: s.text(2), endpoint: s.text(3), owner: s.text(4),
                    confirmed: s.int64(5) != 0, token: s.optionalText(6), tokenExpires: s.isNull(7) ? nil : s.int64(7),
                    attributes: [:], created: s.int64(8)))
        }
        for i in out.indices { out[i].attributes = try attributes(db, out[i].arn) }
        return out
    }

    @discardableResult
    public func deleteSubscription(arn: String) async throws -> Bool {
        try await unsubscribe(arn: arn, confirmation: nil, tokenExpires: 0, now: 0)
    }

    public func unsubscribe(arn: String, confirmation: NewDelivery?, tokenExpires: Int64, now: Int64) async throws
        -> Bool
    {
        try await database.write { [self] db in
            guard try isLiveSubscription(db, arn) else { return false }
            try db.statement("DELETE FROM sns_deliveries WHERE status = 'pending' AND subscription_arn = ?")
                .bind(.text(arn)).run()
            if let confirmation {
                try insertDelivery(db, confirmation, now)
                try db.statement(
                    "UPDATE sns_subscriptions SET unsubscribed = ?, token = ?, token_expires = ? WHERE arn = ?"
                ).bind(
                    .integer(max(now, 1)), confirmation.token.map { .text($0) } ?? .null, .integer(tokenExpires),
                    .text(arn)
                ).run()
            } else {
                try deleteSubscriptionRows(db, "arn = ?", .text(arn))
            }
            // Unsubscribed ones whose token has expired go for good.
            try deleteSubscriptionRows(db, "unsubscribed > 0 AND token_expires < ?", .integer(now))
            return true
        }
    }

    /// Whether the subscription exists and is not unsubscribed.
    func isLiveSubscription(_ db: SQLiteConnection, _ arn: String) throws -> Bool {
        let s = try db.statement("SELECT 1 FROM sns_subscriptions WHERE arn = ? AND unsubscribed = 0").bind(.text(arn))
        defer { s.reset() }
        return try s.step()
    }

    func deleteSubscriptionRows(_ db: SQLiteConnection, _ condition: String, _ value: SQLiteValue) throws {
        try db.statement(
            "DELETE FROM sns_attributes WHERE arn IN (SELECT arn FROM sns_subscriptions WHERE \(condition))"
        )
        .bind(value).run()
        try db.statement(
            "DELETE FROM sns_deliveries WHERE status = 'pending' AND subscription_arn IN (SELECT arn FROM sns_subscriptions WHERE \(condition))"
        ).bind(value).run()
        try db.statement("DELETE FROM sns_subscriptions WHERE \(condition)").bind(value).run()
    }

    public func setSubscriptionAttribute(arn: String, name: String, value: String?) async throws {
        try await database.write { [self] db in
            guard try isLiveSubscription(db, arn) else {
                throw StoreError.notFound(.subscription(arn))
            }
            try setAttribute(db, arn, name, value)
        }
    }

    public func confirmSubscription(topicARN: String, token: String, now: Int64) async throws -> SubscriptionRecord? {
        try await database.write { [self] db in
            let s = try db.statement(
                "SELECT arn, confirmed, token_expires, unsubscribed FROM sns_subscriptions WHERE topic_arn = ? AND token = ?"
            ).bind(.text(topicARN), .text(token))
            guard try s.step() else { return nil }
            let arn = s.text(0)
            let confirmed = s.int64(1) != 0
            let expires = s.isNull(2) ? Int64.max : s.int64(2)
            let unsubscribed = s.int64(3) != 0
            s.reset()
            if unsubscribed {
                // The link of an UnsubscribeConfirmation: the subscription comes back, confirmed.
                guard now <= expires else { return nil }
                try db.statement(
                    "UPDATE sns_subscriptions SET unsubscribed = 0, confirmed = 1, token = NULL, token_expires = NULL WHERE arn = ?"
                ).bind(.text(arn)).run()
            } else if !confirmed {
                guard now <= expires else { return nil }
                try db.statement("UPDATE sns_subscriptions SET confirmed = 1 WHERE arn = ?").bind(.text(arn)).run()
            }
            return try readSubscriptions(db, "arn = ?", .text(arn)).first
        }
    }

    public func tagResource(arn: String, tags: [(key: String, value: String)]) async throws {
        try await database.write { [self] db in
            guard try db.statement("SELECT 1 FROM sns_topics WHERE arn = ?").bind(.text(arn)).step() else {
                throw StoreError.notFound(.topic(arn))
            }
            try setTags(db, arn, tags)
            let count = try db.statement("SELECT count(*) FROM sns_tags WHERE arn = ?").bind(.text(arn))
            _ = try count.step()
            let n = count.int(0)
            count.reset()
            // SNS allows 50 tags per topic.
            if n > 50 { throw StoreError.limitExceeded(.tagsPerResource, maximum: 50, count: n) }
        }
    }

    func setTags(_ db: SQLiteConnection, _ arn: String, _ tags: [(key: String, value: String)]) throws {
        for t in tags {
            try db.statement("INSERT OR REPLACE INTO sns_tags (arn, key, value) VALUES (?, ?, ?)")
                .bind(.text(arn), .text(t.key), .text(t.value)).run()
        }
    }

    public func untagResource(arn: String, keys: [String]) async throws {
        try await database.write { db in
            guard try db.statement("SELECT 1 FROM sns_topics WHERE arn = ?").bind(.text(arn)).step() else {
                throw StoreError.notFound(.topic(arn))
            }
            for key in keys {
                try db.statement("DELETE FROM sns_tags WHERE arn = ? AND key = ?").bind(.text(arn), .text(key)).run()
            }
        }
    }

    public func tags(arn: String) async throws -> [(key: String, value: String)] {
        try await database.read { db in
            guard try db.statement("SELECT 1 FROM sns_topics WHERE arn = ?").bind(.text(arn)).step() else {
                throw StoreError.notFound(.topic(arn))
            }
            let s = try db.statement("SELECT key, value FROM sns_tags WHERE arn = ? ORDER BY key").bind(.text(arn))
            var out: [(key: String, value: String)] = []
            while try s.step() { out.append((s.text(0), s.text(1))) }
            return out
        }
    }

    public func enqueue(_ deliveries: [NewDelivery], now: Int64) async throws {
        guard !deliveries.isEmpty else { return }
        try await database.write { [self] db in
            for d in deliveries { try insertDelivery(db, d, now) }
        }
        outboxBell.ring()
    }

    func insertDelivery(_ db: SQLiteConnection, _ d: NewDelivery, _ now: Int64) throws {
        try db.statement(
            """
            INSERT INTO sns_deliveries (subscription_arn, kind, message_id, topic_arn, subject, message, attributes, timestamp, token, next_attempt)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM sns_subscriptions WHERE arn = ?1 AND unsubscribed = 0)
            """
        ).bind(
            .text(d.subscriptionARN), .text(d.kind.rawValue), .text(d.messageID), .text(d.topicARN),
            d.subject.map { .text($0) } ?? .null, .text(d.message), .text(d.attributes), .integer(d.timestamp),
            d.token.map { .text($0) } ?? .null, .integer(now)
        ).run()
    }

    public func pendingOutbox(limit: Int) async throws -> [OutboxMessage] {
        try await database.read { db in
            let s = try db.statement(
                "SELECT id, created, alarm_name, action, payload, status FROM notification_outbox WHERE status = 'pending' ORDER BY id LIMIT ?"
            ).bind(.integer(Int64(limit)))
            var out: [OutboxMessage] = []
            while try s.step() {
                out.append(
                    OutboxMessage(
                        id: s.int64(0), created: s.int64(1), alarmName: s.text(2), action: s.text(3),
                        payload: s.text(4), status: .pending))
            }
            return out
        }
    }

    public func fanOut(outboxID: Int64, deliveries: [NewDelivery], now: Int64) async throws -> Bool {
        try await database.write { [self] db in
            try db.statement("UPDATE notification_outbox SET status = 'published' WHERE id = ? AND status = 'pending'")
                .bind(.integer(outboxID)).run()
            guard db.changes == 1 else { return false }
            for d in deliveries { try insertDelivery(db, d, now) }
            return true
        }
    }

    /// A delivery's columns, of the table named `d`.
    static let deliveryColumns = """
        d.id, d.subscription_arn, d.kind, d.message_id, d.topic_arn, d.subject, d.message, d.attributes, d.timestamp,
        d.token, d.status, d.attempts, d.next_attempt, d.last_status, d.last_error, d.latency_ms, d.finished
        """

    static func delivery(_ s: SQLiteStatement) throws -> DeliveryRecord {
        DeliveryRecord(
            id: s.int64(0),
            delivery: NewDelivery(
                subscriptionARN: s.text(1), kind: try stored(DeliveryKind.self, s.text(2), "delivery kind"),
                messageID: s.text(3), topicARN: s.text(4), subject: s.optionalText(5), message: s.text(6),
                attributes: s.text(7), timestamp: s.int64(8), token: s.optionalText(9)),
            status: try stored(DeliveryRecord.Status.self, s.text(10), "delivery status"), attempts: s.int(11),
            nextAttempt: s.int64(12), lastStatus: s.isNull(13) ? nil : s.int(13), lastError: s.optionalText(14),
            latencyMilliseconds: s.isNull(15) ? nil : s.int64(15), finished: s.isNull(16) ? nil : s.int64(16))
    }

    public func dueDeliveries(now: Int64, limit: Int, busy: Set<String>) async throws -> [DeliveryRecord] {
        try await database.read { db in
            // The oldest pending delivery of each subscription, if it is due: one probe of the pending
            // index per subscription, however many deliveries wait.
            let s = try db.statement(
                """
                SELECT \(Self.deliveryColumns) FROM sns_subscriptions s
                JOIN sns_deliveries d ON d.id = (
                    SELECT id FROM sns_deliveries WHERE subscription_arn = s.arn AND status = 'pending' ORDER BY id LIMIT 1)
                WHERE d.next_attempt <= ?1
                ORDER BY d.next_attempt, d.id LIMIT ?2
                """
            ).bind(.integer(now), .integer(Int64(limit + busy.count)))
            var out: [DeliveryRecord] = []
            while try s.step(), out.count < limit {
                let record = try Self.delivery(s)
                if !busy.contains(record.delivery.subscriptionARN) { out.append(record) }
            }
            s.reset()
            return out
        }
    }

    public func nextDue() async throws -> Int64? {
        try await database.read { db in
            let s = try db.statement("SELECT min(next_attempt) FROM sns_deliveries WHERE status = 'pending'")
            guard try s.step(), !s.isNull(0) else { return nil }
            defer { s.reset() }
            return s.int64(0)
        }
    }

    public func record(deliveryID: Int64, _ outcome: DeliveryOutcome) async throws {
        try await record([(deliveryID, outcome)])
    }

    public func record(_ outcomes: [(deliveryID: Int64, outcome: DeliveryOutcome)]) async throws {
        guard !outcomes.isEmpty else { return }
        try await database.write { db in
            for (deliveryID, outcome) in outcomes {
                switch outcome {
                case .delivered(let status, let latency, let at):
                    try db.statement(
                        "UPDATE sns_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL, latency_ms = ?, finished = ? WHERE id = ? AND status = 'pending'"
                    ).bind(.integer(Int64(status)), .integer(latency), .integer(at), .integer(deliveryID)).run()
                case .retry(let next, let status, let error, let latency):
                    try db.statement(
                        "UPDATE sns_deliveries SET attempts = attempts + 1, next_attempt = ?, last_status = ?, last_error = ?, latency_ms = ? WHERE id = ? AND status = 'pending'"
                    ).bind(
                        .integer(next), status.map { .integer(Int64($0)) } ?? .null, .text(error),
                        latency.map { .integer($0) } ?? .null, .integer(deliveryID)
                    ).run()
                case .dead(let status, let error, let at):
                    try db.statement(
                        "UPDATE sns_deliveries SET status = 'dead', attempts = attempts + 1, last_status = ?, last_error = ?, finished = ? WHERE id = ? AND status = 'pending'"
                    ).bind(
                        status.map { .integer(Int64($0)) } ?? .null, .text(error), .integer(at), .integer(deliveryID)
                    )
                    .run()
                }
            }
        }
    }

    public func nextPending(subscriptionARN: String, after id: Int64, limit: Int) async throws -> [DeliveryRecord] {
        guard limit > 0 else { return [] }
        return try await database.read { db in
            let s = try db.statement(
                "SELECT \(Self.deliveryColumns) FROM sns_deliveries d WHERE subscription_arn = ? AND status = 'pending' AND id > ? ORDER BY id LIMIT ?"
            ).bind(.text(subscriptionARN), .integer(id), .integer(Int64(limit)))
            defer { s.reset() }
            var out: [DeliveryRecord] = []
            while try s.step() { out.append(try Self.delivery(s)) }
            return out
        }
    }

    public func deliveries(status: DeliveryRecord.Status?, limit: Int) async throws -> [DeliveryRecord] {
        try await database.read { db in
            let s = try db.statement(
                "SELECT \(Self.deliveryColumns) FROM sns_deliveries d WHERE ?1 IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2"
            ).bind(status.map { .text($0.rawValue) } ?? .null, .integer(Int64(limit)))
            var out: [DeliveryRecord] = []
            while try s.step() { out.append(try Self.delivery(s)) }
            return out
        }
    }

    public func redrive(ids: [Int64]?, now: Int64) async throws -> Int {
        let redriven = try await database.write { db in
            if let ids {
                var n = 0
                for id in ids {
                    try db.statement(
                        "UPDATE sns_deliveries SET status = 'pending', attempts = 0, next_attempt = ?, finished = NULL WHERE id = ? AND status = 'dead'"
                    ).bind(.integer(now), .integer(id)).run()
                    n += db.changes
                }
                return n
            }
            try db.statement(
                "UPDATE sns_deliveries SET status = 'pending', attempts = 0, next_attempt = ?, finished = NULL WHERE status = 'dead'"
            ).bind(.integer(now)).run()
            return db.changes
        }
        if redriven > 0 { outboxBell.ring() }
        return redriven
    }

    public func deliveryCounts() async throws -> (counts: [DeliveryRecord.Status: Int], oldestPending: Int64?) {
        try await database.read { db in
            let s = try db.statement("SELECT status, count(*), min(timestamp) FROM sns_deliveries GROUP BY status")
            var counts: [DeliveryRecord.Status: Int] = [:]
            var oldest: Int64?
            while try s.step() {
                let status = try Self.stored(DeliveryRecord.Status.self, s.text(0), "delivery status")
                counts[status] = s.int(1)
                if status == .pending { oldest = s.int64(2) }
            }
            return (counts, oldest)
        }
    }

    public func outstandingDeliveries() async throws -> (pending: Int, dead: Int) {
        try await database.read { db in
            let s = try db.statement(
                "SELECT (SELECT count(*) FROM sns_deliveries WHERE status = 'pending'), (SELECT count(*) FROM sns_deliveries WHERE status = 'dead')"
            )
            defer { s.reset() }
            guard try s.step() else { return (0, 0) }
            return (s.int(0), s.int(1))
        }
    }

    public func saveDestination(_ h: DestinationHealth) async throws {
        try await database.write { db in
            try db.statement(
                """
                INSERT OR REPLACE INTO sns_destinations (destination, state, failures, cooldown_ms, retry_at, last_error, changed)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(
                .text(h.destination), .text(h.state.rawValue), .integer(Int64(h.failures)), .integer(h.cooldown),
                .integer(h.retryAt), h.lastError.map { .text($0) } ?? .null, .integer(h.changed)
            ).run()
        }
    }

    public func destinations() async throws -> [DestinationHealth] {
        try await database.read { db in
            let s = try db.statement(
                "SELECT destination, state, failures, cooldown_ms, retry_at, last_error, changed FROM sns_destinations ORDER BY destination"
            )
            var out: [DestinationHealth] = []
            while try s.step() {
                out.append(
                    DestinationHealth(
                        destination: s.text(0),
                        state: try Self.stored(DestinationHealth.State.self, s.text(1), "circuit state"),
                        failures: s.int(2), cooldown: s.int64(3), retryAt: s.int64(4), lastError: s.optionalText(5),
                        changed: s.int64(6)))
            }
            return out
        }
    }
}
