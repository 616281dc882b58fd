public import VigilMetrics

/// The embedded store: logs and metrics in one SQLite database (WAL), one writer.
///
/// Default file `./vigil-data/vigil.db`. Every method is one transaction; ``append(group:stream:events:datapoints:ingestionTime:)``
/// writes events, stream statistics and metric aggregates together, so metrics are exactly-once across crashes.
public final class SQLiteLogStore: LogStore, MetricStore, IngestOffsetStore {
    let database: SQLiteDatabase

    /// Opens (creating and migrating) the database at `path`; ":memory:" for a throwaway one.
    public init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        try VigilSchema.migrator.migrate(database)
    }

    func groupID(_ db: SQLiteConnection, _ name: String) throws -> Int64 {
        let s = try db.statement("SELECT id FROM log_groups WHERE name = ?").bind(.text(name))
        guard try s.step() else { throw ServiceError.logGroupNotFound }
        return s.int64(0)
    }

    func streamID(_ db: SQLiteConnection, _ group: Int64, _ name: String) throws -> Int64 {
        let s = try db.statement("SELECT id FROM log_streams WHERE group_id = ? AND name = ?").bind(.integer(group), .text(name))
        guard try s.step() else { throw ServiceError.logStreamNotFound }
        return s.int64(0)
    }

    // MARK: groups

    public func createLogGroup(name: String, retentionInDays: Int?, tags: [String: String], now: Int64) throws {
        try database.write { db in
            let exists = try db.statement("SELECT 1 FROM log_groups WHERE name = ?").bind(.text(name))
            if try exists.step() { throw ServiceError.alreadyExists("The specified log group already exists") }
            try db.statement("INSERT INTO log_groups (name, creation_time, retention_days) VALUES (?, ?, ?)")
                .bind(.text(name), .integer(now), retentionInDays.map { .integer(Int64($0)) } ?? .null).run()
            let id = db.lastInsertRowID
            for (k, v) in tags {
                try db.statement("INSERT INTO log_group_tags (group_id, key, value) VALUES (?, ?, ?)").bind(.integer(id), .text(k), .text(v)).run()
            }
        }
    }

    public func deleteLogGroup(name: String) throws {
        try database.write { db in
            let id = try groupID(db, name)
            try db.statement("DELETE FROM log_events WHERE group_id = ?").bind(.integer(id)).run()
            try db.statement("DELETE FROM log_groups WHERE id = ?").bind(.integer(id)).run()
        }
    }

    static let groupColumns = """
        SELECT g.name, g.creation_time, g.retention_days, (SELECT count(*) FROM metric_filters f WHERE f.group_id = g.id),
               (SELECT coalesce(sum(s.stored_bytes), 0) FROM log_streams s WHERE s.group_id = g.id) FROM log_groups g
        """

    func groupRecord(_ s: SQLiteStatement) -> LogGroupRecord {
        LogGroupRecord(name: s.text(0), creationTime: s.int64(1), retentionInDays: s.isNull(2) ? nil : s.int(2),
                       metricFilterCount: s.int(3), storedBytes: s.int64(4))
    }

    public func logGroup(name: String) throws -> LogGroupRecord? {
        try database.read { db in
            let s = try db.statement(Self.groupColumns + " WHERE g.name = ?").bind(.text(name))
            return try s.step() ? groupRecord(s) : nil
        }
    }

    public func logGroups(prefix: String?, afterName: String?, limit: Int) throws -> [LogGroupRecord] {
        try database.read { db in
            // substr() compares the prefix byte for byte (LIKE would treat % and _ as wildcards).
            let s = try db.statement(Self.groupColumns + """
                 WHERE (?1 IS NULL OR substr(g.name, 1, length(?1)) = ?1) AND (?2 IS NULL OR g.name > ?2)
                 ORDER BY g.name LIMIT ?3
                """)
            try s.bind(prefix.map { .text($0) } ?? .null, afterName.map { .text($0) } ?? .null, .integer(Int64(limit)))
            var out: [LogGroupRecord] = []
            while try s.step() { out.append(groupRecord(s)) }
            return out
        }
    }

    public func setRetention(group: String, days: Int?) throws {
        try database.write { db in
            let id = try groupID(db, group)
            try db.statement("UPDATE log_groups SET retention_days = ? WHERE id = ?").bind(days.map { .integer(Int64($0)) } ?? .null, .integer(id)).run()
        }
    }

    public func retention(group: String) throws -> Int? {
        try database.read { db in
            let s = try db.statement("SELECT retention_days FROM log_groups WHERE name = ?").bind(.text(group))
            guard try s.step() else { throw ServiceError.logGroupNotFound }
            return s.isNull(0) ? nil : s.int(0)
        }
    }

    public func tags(group: String) throws -> [String: String] {
        try database.read { db in
            let id = try groupID(db, group)
            let s = try db.statement("SELECT key, value FROM log_group_tags WHERE group_id = ?").bind(.integer(id))
            var out: [String: String] = [:]
            while try s.step() { out[s.text(0)] = s.text(1) }
            return out
        }
    }

    public func tag(group: String, _ tags: [String: String], maximum: Int) throws {
        try database.write { db in
            let id = try groupID(db, group)
            for (k, v) in tags {
                try db.statement("INSERT INTO log_group_tags (group_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value")
                    .bind(.integer(id), .text(k), .text(v)).run()
            }
            let count = try db.statement("SELECT count(*) FROM log_group_tags WHERE group_id = ?").bind(.integer(id))
            _ = try count.step()
            let total = count.int(0)
            count.reset()
            // Checked inside the transaction, so the error rolls every tag of the call back.
            guard total <= maximum else {
                throw ServiceError("TooManyTagsException", "A resource can have no more than \(maximum) tags; this request would leave it with \(total).")
            }
        }
    }

    public func untag(group: String, keys: [String]) throws {
        try database.write { db in
            let id = try groupID(db, group)
            for k in keys { try db.statement("DELETE FROM log_group_tags WHERE group_id = ? AND key = ?").bind(.integer(id), .text(k)).run() }
        }
    }

    // MARK: streams

    public func createLogStream(group: String, name: String, now: Int64) throws {
        try database.write { db in
            let id = try groupID(db, group)
            let exists = try db.statement("SELECT 1 FROM log_streams WHERE group_id = ? AND name = ?").bind(.integer(id), .text(name))
            if try exists.step() { throw ServiceError.alreadyExists("The specified log stream already exists") }
            try db.statement("INSERT INTO log_streams (group_id, name, creation_time) VALUES (?, ?, ?)").bind(.integer(id), .text(name), .integer(now)).run()
        }
    }

    public func deleteLogStream(group: String, name: String) throws {
        try database.write { db in
            let stream = try streamID(db, try groupID(db, group), name)
            try db.statement("DELETE FROM log_events WHERE stream_id = ?").bind(.integer(stream)).run()
            try db.statement("DELETE FROM log_streams WHERE id = ?").bind(.integer(stream)).run()
        }
    }

    public func hasLogStream(group: String, name: String) throws -> Bool {
        try database.read { db in
            let s = try db.statement("SELECT 1 FROM log_streams WHERE group_id = ? AND name = ?").bind(.integer(try groupID(db, group)), .text(name))
            return try s.step()
        }
    }

    public func logStreams(group: String, prefix: String?, order: StreamOrder, descending: Bool, offset: Int, limit: Int) throws -> [LogStreamRecord] {
        try database.read { db in
            let id = try groupID(db, group)
            let direction = descending ? "DESC" : "ASC"
            let orderBy = order == .logStreamName ? "name \(direction)" : "coalesce(last_event, -1) \(direction), name \(direction)"
            let s = try db.statement("""
                SELECT name, creation_time, first_event, last_event, last_ingestion, stored_bytes FROM log_streams
                WHERE group_id = ?1 AND (?2 IS NULL OR substr(name, 1, length(?2)) = ?2)
                ORDER BY \(orderBy) LIMIT ?3 OFFSET ?4
                """)
            try s.bind(.integer(id), prefix.map { .text($0) } ?? .null, .integer(Int64(limit)), .integer(Int64(offset)))
            var out: [LogStreamRecord] = []
            while try s.step() {
                out.append(LogStreamRecord(name: s.text(0), creationTime: s.int64(1), firstEventTimestamp: s.isNull(2) ? nil : s.int64(2),
                                           lastEventTimestamp: s.isNull(3) ? nil : s.int64(3), lastIngestionTime: s.isNull(4) ? nil : s.int64(4),
                                           storedBytes: s.int64(5)))
            }
            return out
        }
    }

    // MARK: events

    @discardableResult
    public func append(group: String, stream: String, events: [NewLogEvent], datapoints: MinuteAggregator, ingestionTime: Int64) throws -> Int {
        try append(group: group, stream: stream, events: events, datapoints: datapoints, ingestionTime: ingestionTime, offset: nil)
    }

    /// ``append(group:stream:events:datapoints:ingestionTime:)`` that also records how far a source has been read, in the same transaction.
    @discardableResult
    public func append(group: String, stream: String, events: [NewLogEvent], datapoints: MinuteAggregator, ingestionTime: Int64,
                       offset: IngestOffset?) throws -> Int {
        try database.write { db in
            let gid = try groupID(db, group)
            let sid = try streamID(db, gid, stream)
            let insert = try db.statement("INSERT INTO log_events (group_id, stream_id, timestamp, ingestion_time, message) VALUES (?, ?, ?, ?, ?)")
            var bytes: Int64 = 0
            var first = Int64.max, last = Int64.min
            for e in events {
                insert.reset()
                try insert.bind(.integer(gid), at: 1)
                try insert.bind(.integer(sid), at: 2)
                try insert.bind(.integer(e.timestamp), at: 3)
                try insert.bind(.integer(ingestionTime), at: 4)
                try e.message.withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> Void in try insert.bindBlob(b, at: 5) }
                try insert.run()
                bytes += Int64(e.message.count)
                first = min(first, e.timestamp)
                last = max(last, e.timestamp)
            }
            if !events.isEmpty {
                try db.statement("""
                    UPDATE log_streams SET first_event = min(coalesce(first_event, ?1), ?1), last_event = max(coalesce(last_event, ?2), ?2),
                        last_ingestion = ?3, stored_bytes = stored_bytes + ?4 WHERE id = ?5
                    """).bind(.integer(first), .integer(last), .integer(ingestionTime), .integer(bytes), .integer(sid)).run()
            }
            try writeAggregates(db, datapoints, now: ingestionTime)
            if let offset { try writeOffset(db, offset) }
            return events.count
        }
    }

    public func events(group: String, _ q: EventQuery) throws -> [StoredLogEvent] {
        try database.read { db in
            let gid = try groupID(db, group)
            var sql = """
                SELECT e.id, s.name, e.timestamp, e.ingestion_time, e.message FROM log_events e JOIN log_streams s ON s.id = e.stream_id
                WHERE e.group_id = ?1 AND (?2 IS NULL OR e.timestamp >= ?2) AND (?3 IS NULL OR e.timestamp < ?3)
                  AND (?4 IS NULL OR substr(s.name, 1, length(?4)) = ?4)
                """
            if q.after != nil {
                sql += q.forward ? " AND (e.timestamp, e.id) > (?5, ?6)" : " AND (e.timestamp, e.id) < (?5, ?6)"
            }
            if let names = q.streamNames {
                sql += " AND s.name IN (" + names.indices.map { "?\($0 + 8)" }.joined(separator: ", ") + ")"
            }
            sql += q.forward ? " ORDER BY e.timestamp, e.id" : " ORDER BY e.timestamp DESC, e.id DESC"
            sql += " LIMIT ?7"
            let s = try db.statement(sql)
            try s.bind(.integer(gid), at: 1)
            try s.bind(q.startTime.map { .integer($0) } ?? .null, at: 2)
            try s.bind(q.endTime.map { .integer($0) } ?? .null, at: 3)
            try s.bind(q.streamNamePrefix.map { .text($0) } ?? .null, at: 4)
            try s.bind(.integer(q.after?.timestamp ?? 0), at: 5)
            try s.bind(.integer(q.after?.id ?? 0), at: 6)
            try s.bind(.integer(Int64(q.limit)), at: 7)
            for (k, name) in (q.streamNames ?? []).enumerated() { try s.bind(.text(name), at: Int32(k + 8)) }
            var out: [StoredLogEvent] = []
            while try s.step() {
                out.append(StoredLogEvent(id: s.int64(0), streamName: s.text(1), timestamp: s.int64(2), ingestionTime: s.int64(3), message: s.blob(4)))
            }
            return out
        }
    }

    public func applyRetention(now: Int64) throws -> Int {
        try database.write { db in
            try db.statement("""
                DELETE FROM log_events WHERE id IN (
                    SELECT e.id FROM log_events e JOIN log_groups g ON g.id = e.group_id
                    WHERE g.retention_days IS NOT NULL AND e.timestamp < ?1 - g.retention_days * 86400000)
                """).bind(.integer(now)).run()
            return db.changes
        }
    }

    // MARK: metric filters

    public func putMetricFilter(_ f: MetricFilterRecord, maximumPerGroup: Int) throws {
        try database.write { db in
            let gid = try groupID(db, f.logGroupName)
            let exists = try db.statement("SELECT 1 FROM metric_filters WHERE group_id = ? AND name = ?").bind(.integer(gid), .text(f.name)).step()
            let count = try db.statement("SELECT count(*) FROM metric_filters WHERE group_id = ?").bind(.integer(gid))
            _ = try count.step()
            if !exists && count.int(0) >= maximumPerGroup {
                throw ServiceError.limitExceeded("Resource limit exceeded: a log group can have at most \(maximumPerGroup) metric filters.")
            }
            // An update keeps the creation time: the filter still applies to events ingested since then.
            try db.statement("""
                INSERT INTO metric_filters (group_id, name, pattern, transformations, creation_time) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (group_id, name) DO UPDATE SET pattern = excluded.pattern, transformations = excluded.transformations
                """).bind(.integer(gid), .text(f.name), .text(f.pattern), .text(f.transformations), .integer(f.creationTime)).run()
        }
    }

    public func deleteMetricFilter(group: String, name: String) throws {
        try database.write { db in
            let gid = try groupID(db, group)
            try db.statement("DELETE FROM metric_filters WHERE group_id = ? AND name = ?").bind(.integer(gid), .text(name)).run()
            if db.changes == 0 { throw ServiceError.notFound("The specified metric filter does not exist.") }
        }
    }

    public func metricFilters(group: String?) throws -> [MetricFilterRecord] {
        try database.read { db in
            let s = try db.statement("""
                SELECT g.name, f.name, f.pattern, f.transformations, f.creation_time FROM metric_filters f JOIN log_groups g ON g.id = f.group_id
                WHERE ?1 IS NULL OR g.name = ?1 ORDER BY g.name, f.name
                """).bind(group.map { .text($0) } ?? .null)
            var out: [MetricFilterRecord] = []
            while try s.step() {
                out.append(MetricFilterRecord(logGroupName: s.text(0), name: s.text(1), pattern: s.text(2), transformations: s.text(3), creationTime: s.int64(4)))
            }
            return out
        }
    }

    // MARK: ingest offsets

    public func offset(source: String) throws -> IngestOffset? {
        try database.read { db in
            let s = try db.statement("SELECT identity, offset FROM ingest_offsets WHERE source = ?").bind(.text(source))
            return try s.step() ? IngestOffset(source: source, identity: s.text(0), offset: s.int64(1)) : nil
        }
    }

    public func record(_ offset: IngestOffset) throws {
        try database.write { db in try writeOffset(db, offset) }
    }

    func writeOffset(_ db: SQLiteConnection, _ o: IngestOffset) throws {
        try db.statement("INSERT INTO ingest_offsets (source, identity, offset) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET identity = excluded.identity, offset = excluded.offset")
            .bind(.text(o.source), .text(o.identity), .integer(o.offset)).run()
    }
}

extension SQLiteLogStore {
    /// Sets the recorded schema version (tests use it to simulate a database from a newer vigil).
    public func debugSetUserVersion(_ version: Int) throws {
        try database.read { db in try db.execute("PRAGMA user_version = \(version)") }
    }
}
