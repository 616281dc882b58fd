public import VigilAlarms

extension SQLiteLogStore {
    public func putAlarm(
        name: String, definition: String, namespace: String, metricName: String, actionsEnabled: Bool, now: Int64,
        history: AlarmHistoryItem
    ) async throws -> Bool {
        try await database.write { [self] db in
            try putAlarm(db, name, definition, namespace, metricName, actionsEnabled, now, history)
        }
    }

    public func putAlarms(
        _ alarms: [(
            name: String, definition: String, namespace: String, metricName: String, actionsEnabled: Bool,
            history: AlarmHistoryItem
        )],
        now: Int64
    ) async throws {
        try await database.write { [self] db in
            for a in alarms {
                _ = try putAlarm(db, a.name, a.definition, a.namespace, a.metricName, a.actionsEnabled, now, a.history)
            }
        }
    }

    func putAlarm(
        _ db: SQLiteConnection, _ name: String, _ definition: String, _ namespace: String, _ metricName: String,
        _ actionsEnabled: Bool,
        _ now: Int64, _ history: AlarmHistoryItem
    ) throws -> Bool {
        let exists = try db.statement("SELECT 1 FROM alarms WHERE name = ?").bind(.text(name)).step()
        if exists {
            try db.statement(
                """
                UPDATE alarms SET definition = ?, namespace = ?, metric_name = ?, actions_enabled = ?, configuration_updated = ? WHERE name = ?
                """
            ).bind(
                .text(definition), .text(namespace), .text(metricName), .integer(actionsEnabled ? 1 : 0), .integer(now),
                .text(name)
            ).run()
        } else {
            try db.statement(
                """
                INSERT INTO alarms (name, definition, namespace, metric_name, state, state_reason, state_updated, actions_enabled, configuration_updated)
                VALUES (?, ?, ?, ?, 'INSUFFICIENT_DATA', 'Unchecked: Initial alarm creation', ?, ?, ?)
                """
            ).bind(
                .text(name), .text(definition), .text(namespace), .text(metricName), .integer(now),
                .integer(actionsEnabled ? 1 : 0), .integer(now)
            ).run()
        }
        try insertHistory(db, history)
        return !exists
    }

    func insertHistory(_ db: SQLiteConnection, _ h: AlarmHistoryItem) throws {
        try db.statement(
            "INSERT INTO alarm_history (alarm_name, timestamp, type, summary, data) VALUES (?, ?, ?, ?, ?)"
        )
        .bind(.text(h.alarmName), .integer(h.timestamp), .text(h.type.rawValue), .text(h.summary), .text(h.data)).run()
    }

    public func alarms(names: [String]?, prefix: String?, state: AlarmState?) async throws -> [AlarmRecord] {
        try await database.read { db in
            let s = try db.statement(
                """
                SELECT name, definition, namespace, metric_name, state, state_reason, state_reason_data, state_updated, actions_enabled, configuration_updated,
                       suppressed_by, suppressed_until,
                       EXISTS (SELECT 1 FROM notification_outbox o WHERE o.alarm_name = alarms.name AND o.status = 'held')
                FROM alarms WHERE (?1 IS NULL OR substr(name, 1, length(?1)) = ?1) AND (?2 IS NULL OR state = ?2) ORDER BY name
                """
            ).bind(prefix.map { .text($0) } ?? .null, state.map { .text($0.rawValue) } ?? .null)
            var out: [AlarmRecord] = []
            while try s.step() {
                let name = s.text(0)
                if let names, !names.contains(name) { continue }
                out.append(
                    AlarmRecord(
                        name: name, definition: s.text(1), namespace: s.text(2), metricName: s.text(3),
                        state: try Self.stored(AlarmState.self, s.text(4), "alarm state"),
                        stateReason: s.text(5), stateReasonData: s.isNull(6) ? nil : s.text(6),
                        stateUpdated: s.int64(7),
                        actionsEnabled: s.int64(8) != 0, configurationUpdated: s.int64(9),
                        suppression: ActionsSuppression(
                            cause: s.isNull(10) ? nil : ActionsSuppression.Cause(rawValue: s.text(10)),
                            until: s.isNull(11) ? nil : s.int64(11),
                            held: s.int64(12) != 0)))
            }
            return out
        }
    }

    public func setDefinition(name: String, definition: String) async throws {
        try await database.write { db in
            try db.statement("UPDATE alarms SET definition = ? WHERE name = ?").bind(.text(definition), .text(name))
                .run()
            if db.changes == 0 { throw StoreError.notFound(.alarm(name)) }
        }
    }

    public func deleteAlarms(names: [String]) async throws {
        try await database.write { db in
            for name in names {
                try db.statement("DELETE FROM alarms WHERE name = ?").bind(.text(name)).run()
                // Checked inside the transaction: one missing name deletes none.
                if db.changes == 0 { throw StoreError.notFound(.alarm(name)) }
            }
        }
    }

    public func setActionsEnabled(names: [String], enabled: Bool) async throws {
        try await database.write { db in
            for name in names {
                try db.statement("UPDATE alarms SET actions_enabled = ? WHERE name = ?").bind(
                    .integer(enabled ? 1 : 0), .text(name)
                ).run()
            }
        }
    }

    @discardableResult
    public func commit(
        _ transitions: [AlarmTransition], suppression: [SuppressionUpdate] = [],
        actionHistory:
            @escaping @Sendable (
                _ alarmName: String, _ action: String, _ payload: String, _ at: Int64, _ failure: String?
            )
            -> AlarmHistoryItem
    ) async throws -> [String] {
        guard !transitions.isEmpty || !suppression.isEmpty else { return [] }
        let applied = try await database.write { [self] db in
            var applied: [String] = []
            for t in transitions {
                // Compare and set: only from the state the change was computed from.
                try db.statement(
                    "UPDATE alarms SET state = ?, state_reason = ?, state_reason_data = ?, state_updated = ? WHERE name = ? AND state = ?"
                )
                .bind(
                    .text(t.state.rawValue), .text(t.reason), t.reasonData.map { .text($0) } ?? .null, .integer(t.at),
                    .text(t.alarmName), .text(t.from.rawValue)
                ).run()
                if db.changes == 0 {
                    let exists = try db.statement("SELECT 1 FROM alarms WHERE name = ?").bind(.text(t.alarmName)).step()
                    guard exists else { throw StoreError.notFound(.alarm(t.alarmName)) }
                    continue  // another evaluator changed it first: this change is stale
                }
                applied.append(t.alarmName)
                try insertHistory(db, t.history)
                // A change replaces what an earlier one still holds back (only suppressed composites hold any).
                try db.statement(
                    "UPDATE notification_outbox SET status = 'dropped' WHERE alarm_name = ? AND status = 'held'"
                ).bind(.text(t.alarmName)).run()
                for n in t.notifications {
                    let failure = t.holdsNotifications ? nil : try actionFailure(db, n.action)
                    let status: OutboxMessage.Status =
                        t.holdsNotifications ? .held : failure == nil ? .pending : .failed
                    try db.statement(
                        "INSERT INTO notification_outbox (created, alarm_name, action, payload, status) VALUES (?, ?, ?, ?, ?)"
                    )
                    .bind(
                        .integer(t.at), .text(t.alarmName), .text(n.action), .text(n.payload), .text(status.rawValue)
                    ).run()
                    if !t.holdsNotifications {
                        try insertHistory(db, actionHistory(t.alarmName, n.action, n.payload, t.at, failure))
                    }
                }
            }
            for u in suppression {
                // Whether notifications are held is not stored: it is whether the outbox holds some.
                try db.statement("UPDATE alarms SET suppressed_by = ?, suppressed_until = ? WHERE name = ?")
                    .bind(
                        u.suppression.cause.map { .text($0.rawValue) } ?? .null,
                        u.suppression.until.map { .integer($0) } ?? .null, .text(u.alarmName)
                    ).run()
                guard u.release else { continue }
                let released = try db.statement(
                    "UPDATE notification_outbox SET status = 'pending' WHERE alarm_name = ? AND status = 'held' RETURNING id, action, payload"
                )
                .bind(.text(u.alarmName))
                var messages: [(Int64, String, String)] = []
                while try released.step() {
                    messages.append((released.int64(0), released.text(1), released.text(2)))
                }
                for (id, action, payload) in messages {
                    let failure = try actionFailure(db, action)
                    if failure != nil {
                        try db.statement("UPDATE notification_outbox SET status = 'failed' WHERE id = ?")
                            .bind(.integer(id)).run()
                    }
                    try insertHistory(db, actionHistory(u.alarmName, action, payload, u.at, failure))
                }
            }
            return applied
        }
        // Notifications may have joined the outbox (a transition's, or a suppression's release).
        outboxBell.ring()
        return applied
    }

    /// Why an alarm action cannot run, or nil when it names an SNS topic that exists (Vigil runs SNS
    /// actions only; CloudWatch accepts any action ARN and records a failed action when it runs).
    func actionFailure(_ db: SQLiteConnection, _ action: String) throws -> String? {
        guard action.hasPrefix("arn:aws:sns:") else {
            return "Vigil runs only SNS actions (arn:aws:sns:…); \(action) is not one"
        }
        guard try db.statement("SELECT 1 FROM sns_topics WHERE arn = ?").bind(.text(action)).step() else {
            return "Resource: \(action) does not exist"
        }
        return nil
    }

    public func history(
        alarmName: String?, names: AlarmNameFilter?, type: AlarmHistoryItem.Kind?, start: Int64?, end: Int64?,
        ascending: Bool, limit: Int, afterID: Int64?
    ) async throws -> [AlarmHistoryItem] {
        // The names, sorted, are bound after the six fixed parameters (?7, ?8, …).
        let (listed, negated): ([String], Bool) =
            switch names {
            case .only(let set): (set.sorted(), false)
            case .except(let set): (set.sorted(), true)
            case nil: ([], true)
            }
        let placeholders = listed.indices.map { "?\($0 + 7)" }.joined(separator: ", ")
        let nameClause =
            listed.isEmpty ? (negated ? "" : "AND 0") : "AND alarm_name \(negated ? "NOT IN" : "IN") (\(placeholders))"
        return try await database.read { db in
            let s = try db.statement(
                """
                SELECT id, alarm_name, timestamp, type, summary, data FROM alarm_history
                WHERE (?1 IS NULL OR alarm_name = ?1) AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR timestamp >= ?3) AND (?4 IS NULL OR timestamp <= ?4)
                  AND (?5 IS NULL OR (timestamp, id) \(ascending ? ">" : "<") (SELECT timestamp, id FROM alarm_history WHERE id = ?5))
                  \(nameClause)
                ORDER BY \(ascending ? "timestamp, id" : "timestamp DESC, id DESC") LIMIT ?6
                """
            ).bind(
                [
                    alarmName.map { .text($0) } ?? .null, type.map { .text($0.rawValue) } ?? .null,
                    start.map { .integer($0) } ?? .null,
                    end.map { .integer($0) } ?? .null, afterID.map { .integer($0) } ?? .null, .integer(Int64(limit)),
                ] + listed.map { .text($0) })
            var out: [AlarmHistoryItem] = []
            while try s.step() {
                out.append(
                    AlarmHistoryItem(
                        id: s.int64(0), alarmName: s.text(1), timestamp: s.int64(2),
                        type: try Self.stored(AlarmHistoryItem.Kind.self, s.text(3), "history item type"),
                        summary: s.text(4), data: s.text(5)))
            }
            return out
        }
    }

    public func outbox(status: OutboxMessage.Status?) async throws -> [OutboxMessage] {
        try await database.read { db in
            let s = try db.statement(
                "SELECT id, created, alarm_name, action, payload, status FROM notification_outbox WHERE ?1 IS NULL OR status = ?1 ORDER BY id"
            )
            .bind(status.map { .text($0.rawValue) } ?? .null)
            var out: [OutboxMessage] = []
            while try s.step() {
                out.append(
                    OutboxMessage(
                        id: s.int64(0), created: s.int64(1), alarmName: s.text(2), action: s.text(3),
                        payload: s.text(4),
                        status: try Self.stored(OutboxMessage.Status.self, s.text(5), "outbox status")))
            }
            return out
        }
    }

    /// A stored word read back as its enum; a word no version of Vigil writes means damage.
    static func stored<T: RawRepresentable>(_ type: T.Type, _ text: String, _ what: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text) else { throw StoreError.corrupt("unknown \(what) '\(text)'") }
        return value
    }
}
