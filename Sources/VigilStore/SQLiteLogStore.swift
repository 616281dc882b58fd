public import VigilMetrics

/// The embedded backend: logs, metrics and alarms in one SQLite database (WAL), one writer and a
/// pool of readers (``SQLiteDatabase``).
///
/// Default file `./vigil-data/vigil.db`. Every method is one transaction, as ``StoreBackend``
/// requires; ``append(group:stream:events:datapoints:ingestionTime:offset:)`` writes events, stream
/// statistics, metric aggregates and the source's offset together, so metrics are exactly-once
/// across crashes.
public final class SQLiteLogStore: StoreBackend {
    let database: SQLiteDatabase
    public let outboxBell = OutboxBell()
    public let logEventFeed = LogEventFeed()

    /// Opens (creating and migrating) the database at `path`; ":memory:" for a throwaway one.
    public init(path: String, readers: Int = 4) throws {
        database = try SQLiteDatabase(path: path, readers: readers)
        try VigilSchema.migrator.migrate(database)
    }

    func groupID(_ db: SQLiteConnection, _ name: String) throws -> Int64 {
        let s = try db.statement("SELECT id FROM log_groups WHERE name = ?").bind(.text(name))
        guard try s.step() else { throw StoreError.notFound(.logGroup(name)) }
        return s.int64(0)
    }

    func streamID(_ db: SQLiteConnection, _ group: Int64, _ name: String) throws -> Int64 {
        let s = try db.statement("SELECT id FROM log_streams WHERE group_id = ? AND name = ?").bind(
            .integer(group), .text(name))
        guard try s.step() else { throw StoreError.notFound(.logStream(name)) }
        return s.int64(0)
    }

    // MARK: groups

    public func createLogGroup(name: String, retentionInDays: Int?, tags: [String: String], now: Int64) async throws {
        try await database.write { db in
            let exists = try db.statement("SELECT 1 FROM log_groups WHERE name = ?").bind(.text(name))
            if try exists.step() { throw StoreError.alreadyExists(.logGroup(name)) }
            try db.statement("INSERT INTO log_groups (name, creation_time, retention_days) VALUES (?, ?, ?)")
                .bind(.text(name), .integer(now), retentionInDays.map { .integer(Int64($0)) } ?? .null).run()
            let id = db.lastInsertRowID
            for (k, v) in tags {
                try db.statement("INSERT INTO log_group_tags (group_id, key, value) VALUES (?, ?, ?)").bind(
                    .integer(id), .text(k), .text(v)
                ).run()
            }
        }
    }

    public func deleteLogGroup(name: String) async throws {
        try await database.write { [self] db in
            let id = try groupID(db, name)
            try db.statement("DELETE FROM log_blocks WHERE group_id = ?").bind(.integer(id)).run()
            try db.statement("DELETE FROM log_groups WHERE id = ?").bind(.integer(id)).run()
        }
    }

    static let groupColumns = """
        SELECT g.name, g.creation_time, g.retention_days, (SELECT count(*) FROM metric_filters f WHERE f.group_id = g.id),
               (SELECT coalesce(sum(s.stored_bytes), 0) FROM log_streams s WHERE s.group_id = g.id) FROM log_groups g
        """

    func groupRecord(_ s: SQLiteStatement) -> LogGroupRecord {
        LogGroupRecord(
            name: s.text(0), creationTime: s.int64(1), retentionInDays: s.isNull(2) ? nil : s.int(2),
            metricFilterCount: s.int(3), storedBytes: s.int64(4))
    }

    public func logGroup(name: String) async throws -> LogGroupRecord? {
        try await database.read { [self] db in
            let s = try db.statement(Self.groupColumns + " WHERE g.name = ?").bind(.text(name))
            return try s.step() ? groupRecord(s) : nil
        }
    }

    public func logGroups(prefix: String?, afterName: String?, limit: Int) async throws -> [LogGroupRecord] {
        try await database.read { [self] db in
            // substr() compares the prefix byte for byte (LIKE would treat % and _ as wildcards).
            let s = try db.statement(
                Self.groupColumns + """
                     WHERE (?1 IS NULL OR substr(g.name, 1, length(?1)) = ?1) AND (?2 IS NULL OR g.name > ?2)
                     ORDER BY g.name LIMIT ?3
                    """)
            try s.bind(prefix.map { .text($0) } ?? .null, afterName.map { .text($0) } ?? .null, .integer(Int64(limit)))
            var out: [LogGroupRecord] = []
            while try s.step() { out.append(groupRecord(s)) }
            return out
        }
    }

    public func setRetention(group: String, days: Int?) async throws {
        try await database.write { [self] db in
            let id = try groupID(db, group)
            try db.statement("UPDATE log_groups SET retention_days = ? WHERE id = ?").bind(
                days.map { .integer(Int64($0)) } ?? .null, .integer(id)
            ).run()
        }
    }

    public func retention(group: String) async throws -> Int? {
        try await database.read { db in
            let s = try db.statement("SELECT retention_days FROM log_groups WHERE name = ?").bind(.text(group))
            guard try s.step() else { throw StoreError.notFound(.logGroup(group)) }
            return s.isNull(0) ? nil : s.int(0)
        }
    }

    public func tags(group: String) async throws -> [String: String] {
        try await database.read { [self] db in
            let id = try groupID(db, group)
            let s = try db.statement("SELECT key, value FROM log_group_tags WHERE group_id = ?").bind(.integer(id))
            var out: [String: String] = [:]
            while try s.step() { out[s.text(0)] = s.text(1) }
            return out
        }
    }

    public func tag(group: String, _ tags: [String: String], maximum: Int) async throws {
        try await database.write { [self] db in
            let id = try groupID(db, group)
            for (k, v) in tags {
                try db.statement(
                    "INSERT INTO log_group_tags (group_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value"
                )
                .bind(.integer(id), .text(k), .text(v)).run()
            }
            let count = try db.statement("SELECT count(*) FROM log_group_tags WHERE group_id = ?").bind(.integer(id))
            _ = try count.step()
            let total = count.int(0)
            count.reset()
            // Checked inside the transaction, so the error rolls every tag of the call back.
            guard total <= maximum else {
                throw StoreError.limitExceeded(.tagsPerResource, maximum: maximum, count: total)
            }
        }
    }

    public func untag(group: String, keys: [String]) async throws {
        try await database.write { [self] db in
            let id = try groupID(db, group)
            for k in keys {
                try db.statement("DELETE FROM log_group_tags WHERE group_id = ? AND key = ?").bind(
                    .integer(id), .text(k)
                ).run()
            }
        }
    }

    // MARK: streams

    public func createLogStream(group: String, name: String, now: Int64) async throws {
        try await database.write { [self] db in
            let id = try groupID(db, group)
            let exists = try db.statement("SELECT 1 FROM log_streams WHERE group_id = ? AND name = ?").bind(
                .integer(id), .text(name))
            if try exists.step() { throw StoreError.alreadyExists(.logStream(name)) }
            try db.statement("INSERT INTO log_streams (group_id, name, creation_time) VALUES (?, ?, ?)").bind(
                .integer(id), .text(name), .integer(now)
            ).run()
        }
    }

    public func deleteLogStream(group: String, name: String) async throws {
        try await database.write { [self] db in
            let stream = try streamID(db, try groupID(db, group), name)
            try db.statement("DELETE FROM log_blocks WHERE stream_id = ?").bind(.integer(stream)).run()
            try db.statement("DELETE FROM log_streams WHERE id = ?").bind(.integer(stream)).run()
        }
    }

    public func hasLogStream(group: String, name: String) async throws -> Bool {
        try await database.read { [self] db in
            let s = try db.statement("SELECT 1 FROM log_streams WHERE group_id = ? AND name = ?").bind(
                .integer(try groupID(db, group)), .text(name))
            return try s.step()
        }
    }

    public func logStreams(
        group: String, prefix: String?, order: StreamOrder, descending: Bool, offset: Int, limit: Int
    ) async throws -> [LogStreamRecord] {
        try await database.read { [self] db in
            let id = try groupID(db, group)
            let direction = descending ? "DESC" : "ASC"
            let orderBy =
                order == .logStreamName
                ? "name \(direction)" : "coalesce(last_event, -1) \(direction), name \(direction)"
            let s = try db.statement(
                """
                SELECT name, creation_time, first_event, last_event, last_ingestion, stored_bytes FROM log_streams
                WHERE group_id = ?1 AND (?2 IS NULL OR substr(name, 1, length(?2)) = ?2)
                ORDER BY \(orderBy) LIMIT ?3 OFFSET ?4
                """)
            try s.bind(.integer(id), prefix.map { .text($0) } ?? .null, .integer(Int64(limit)), .integer(Int64(offset)))
            var out: [LogStreamRecord] = []
            while try s.step() {
                out.append(
                    LogStreamRecord(
                        name: s.text(0), creationTime: s.int64(1), firstEventTimestamp: s.isNull(2) ? nil : s.int64(2),
                        lastEventTimestamp: s.isNull(3) ? nil : s.int64(3),
                        lastIngestionTime: s.isNull(4) ? nil : s.int64(4),
                        storedBytes: s.int64(5)))
            }
            return out
        }
    }

    // MARK: events

    @discardableResult
    public func append(
        group: String, stream: String, events: [NewLogEvent], datapoints: MinuteAggregator, ingestionTime: Int64,
        offset: IngestOffset?
    ) async throws -> Int {
        let feed = logEventFeed
        let announce = feed.hasListeners
        _ = try await database.write(
            { [self] db -> CommittedLogEvents? in
                let gid = try groupID(db, group)
                let sid = try streamID(db, gid, stream)
                var batch: CommittedLogEvents?
                if !events.isEmpty {
                    let (firstID, stored) = try insertBlocks(db, gid, sid, events, ingestionTime: ingestionTime)
                    let bytes = events.reduce(Int64(0)) { $0 + Int64($1.message.count) }
                    let first = events.map(\.timestamp).min()!
                    let last = events.map(\.timestamp).max()!
                    try db.statement(
                        """
                        UPDATE log_streams SET first_event = min(coalesce(first_event, ?1), ?1), last_event = max(coalesce(last_event, ?2), ?2),
                            last_ingestion = ?3, stored_bytes = stored_bytes + ?4 WHERE id = ?5
                        """
                    ).bind(.integer(first), .integer(last), .integer(ingestionTime), .integer(bytes), .integer(sid))
                        .run()
                    if announce {
                        batch = CommittedLogEvents(
                            group: group, stream: stream, firstEventID: firstID, ingestionTime: ingestionTime,
                            events: stored, messageBytes: Int(bytes))
                    }
                }
                try writeAggregates(db, datapoints, now: ingestionTime)
                if let offset { try writeOffset(db, offset) }
                return batch
            },
            committed: announce ? Self.announcer(feed) : nil)
        return events.count
    }

    static func announcer(_ feed: LogEventFeed) -> @Sendable (CommittedLogEvents?) -> Void {
        { batch in if let batch { feed.announce(batch) } }
    }

    /// The longest time a block may span, which bounds every block search (PutLogEvents batches span at most 24 hours).
    static let maximumBlockSpan: Int64 = 86_400_000

    /// Stores `events` as blocks (one per 24 hours of them, in time order), numbering them from the event counter;
    /// returns the first id and the events in id order.
    func insertBlocks(_ db: SQLiteConnection, _ gid: Int64, _ sid: Int64, _ events: [NewLogEvent], ingestionTime: Int64)
        throws -> (firstID: Int64, events: [NewLogEvent])
    {
        var sorted = events
        if !zip(events, events.dropFirst()).allSatisfy({ $0.timestamp <= $1.timestamp }) {
            sorted = events.enumerated().sorted {
                ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset)
            }.map(\.element)
        }
        let counter = try db.statement("SELECT value FROM counters WHERE name = 'event_id'")
        _ = try counter.step()
        var nextID = counter.int64(0)
        let firstID = nextID
        counter.reset()
        let insert = try db.statement(
            """
            INSERT INTO log_blocks (group_id, stream_id, first_ts, last_ts, first_event_id, event_count, ingestion_time, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].timestamp - sorted[start].timestamp <= Self.maximumBlockSpan {
                end += 1
            }
            let block = Array(sorted[start..<end])
            insert.reset()
            try insert.bind(
                .integer(gid), .integer(sid), .integer(block.first!.timestamp), .integer(block.last!.timestamp),
                .integer(nextID),
                .integer(Int64(block.count)), .integer(ingestionTime))
            try LogBlock.encode(block).withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> Void in
                try insert.bindBlob(b, at: 8)
            }
            try insert.run()
            nextID += Int64(block.count)
            start = end
        }
        try db.statement("UPDATE counters SET value = ? WHERE name = 'event_id'").bind(.integer(nextID)).run()
        return (firstID, sorted)
    }

    public func events(group: String, _ q: EventQuery) async throws -> [StoredLogEvent] {
        try await database.read { [self] db in
            let gid = try groupID(db, group)
            // The group's streams that the query selects, by id.
            var names: [Int64: String] = [:]
            let streams = try db.statement("SELECT id, name FROM log_streams WHERE group_id = ?").bind(.integer(gid))
            while try streams.step() {
                let name = streams.text(1)
                if let wanted = q.streamNames, !wanted.contains(name) { continue }
                if let prefix = q.streamNamePrefix, !name.hasPrefix(prefix) { continue }
                names[streams.int64(0)] = name
            }
            streams.reset()
            if names.isEmpty || q.limit <= 0 { return [] }
            var lower = q.startTime ?? Int64.min / 2
            var upper = (q.endTime ?? Int64.max / 2) - 1
            if let after = q.after {
                if q.forward { lower = max(lower, after.timestamp) } else { upper = min(upper, after.timestamp) }
            }
            if lower > upper { return [] }
            let span = Self.maximumBlockSpan
            let blocks = try db.statement(
                q.forward
                    ? """
                    SELECT stream_id, first_ts, last_ts, first_event_id, data, ingestion_time FROM log_blocks
                    WHERE group_id = ?1 AND first_ts >= ?2 - ?4 AND first_ts <= ?3 AND last_ts >= ?2 ORDER BY first_ts, id
                    """
                    : """
                    SELECT stream_id, first_ts, last_ts, first_event_id, data, ingestion_time FROM log_blocks
                    WHERE group_id = ?1 AND last_ts <= ?3 + ?4 AND last_ts >= ?2 AND first_ts <= ?3 ORDER BY last_ts DESC, id DESC
                    """
            ).bind(.integer(gid), .integer(lower), .integer(upper), .integer(span))
            defer { blocks.reset() }
            var merger = BlockMerger(forward: q.forward)
            var data: [[UInt8]] = []
            var streamIDs: [Int64] = []
            var ingestionTimes: [Int64] = []
            var out: [StoredLogEvent] = []
            func emit(before bound: Int64?) {
                while out.count < q.limit, let e = merger.pop(before: bound) {
                    out.append(
                        StoredLogEvent(
                            id: e.id, streamName: names[streamIDs[e.block]]!, timestamp: e.timestamp,
                            ingestionTime: ingestionTimes[e.block],
                            message: Array(data[e.block][e.range])))
                }
            }
            while out.count < q.limit, try blocks.step() {
                let sid = blocks.int64(0)
                guard names[sid] != nil else { continue }
                emit(before: q.forward ? blocks.int64(1) : blocks.int64(2))
                guard out.count < q.limit else { break }
                let bytes = blocks.blob(4)
                guard let entries = LogBlock.decode(bytes, firstTimestamp: blocks.int64(1)) else {
                    throw StoreError.corrupt(
                        "log block of stream \(names[sid]!) starting at \(blocks.int64(1)) cannot be decoded")
                }
                let block = data.count
                data.append(bytes)
                streamIDs.append(sid)
                ingestionTimes.append(blocks.int64(5))
                let firstID = blocks.int64(3)
                for (k, entry) in entries.enumerated() where entry.timestamp >= lower && entry.timestamp <= upper {
                    let id = firstID + Int64(k)
                    if let after = q.after,
                        q.forward
                            ? (entry.timestamp, id) <= (after.timestamp, after.id)
                            : (entry.timestamp, id) >= (after.timestamp, after.id)
                    {
                        continue
                    }
                    merger.push(
                        .init(timestamp: entry.timestamp, id: id, stream: Int(sid), block: block, range: entry.range))
                }
            }
            emit(before: nil)
            return out
        }
    }

    public func applyRetention(now: Int64) async throws -> Int {
        try await database.write { db in
            var deleted = 0
            let groups = try db.statement("SELECT id, retention_days FROM log_groups WHERE retention_days IS NOT NULL")
            var cutoffs: [(Int64, Int64)] = []
            while try groups.step() { cutoffs.append((groups.int64(0), now - groups.int64(1) * 86_400_000)) }
            groups.reset()
            for (gid, cutoff) in cutoffs {
                // Message bytes dropped per stream: its stored bytes shrink by them, as AWS's storedBytes does.
                var droppedBytes: [Int64: Int64] = [:]
                let whole = try db.statement(
                    "SELECT stream_id, event_count, data FROM log_blocks WHERE group_id = ? AND last_ts < ?"
                )
                .bind(.integer(gid), .integer(cutoff))
                while try whole.step() {
                    deleted += whole.int(1)
                    droppedBytes[whole.int64(0), default: 0] += LogBlock.messageBytes(whole.blob(2))
                }
                whole.reset()
                try db.statement("DELETE FROM log_blocks WHERE group_id = ? AND last_ts < ?").bind(
                    .integer(gid), .integer(cutoff)
                ).run()
                // Blocks that straddle the cutoff lose their older events (a prefix: blocks are in time order).
                let straddling = try db.statement(
                    "SELECT id, first_ts, first_event_id, data, stream_id FROM log_blocks WHERE group_id = ? AND first_ts < ? AND last_ts >= ?"
                )
                .bind(.integer(gid), .integer(cutoff), .integer(cutoff))
                var rewrites: [(Int64, Int64, Int64, Int, [UInt8])] = []
                while try straddling.step() {
                    let bytes = straddling.blob(3)
                    guard let entries = LogBlock.decode(bytes, firstTimestamp: straddling.int64(1)) else { continue }
                    let keep = entries.drop { $0.timestamp < cutoff }
                    let dropped = entries.count - keep.count
                    let kept = keep.map { NewLogEvent(timestamp: $0.timestamp, message: Array(bytes[$0.range])) }
                    rewrites.append(
                        (
                            straddling.int64(0), kept.first!.timestamp, straddling.int64(2) + Int64(dropped),
                            kept.count, LogBlock.encode(kept)
                        ))
                    deleted += dropped
                    droppedBytes[straddling.int64(4), default: 0] += entries.prefix(dropped).reduce(0) {
                        $0 + Int64($1.range.count)
                    }
                }
                straddling.reset()
                for (stream, bytes) in droppedBytes where bytes > 0 {
                    try db.statement("UPDATE log_streams SET stored_bytes = max(0, stored_bytes - ?) WHERE id = ?")
                        .bind(.integer(bytes), .integer(stream)).run()
                }
                for (id, first, firstID, count, data) in rewrites {
                    let update = try db.statement(
                        "UPDATE log_blocks SET first_ts = ?, first_event_id = ?, event_count = ?, data = ? WHERE id = ?"
                    )
                    try update.bind(.integer(first), at: 1)
                    try update.bind(.integer(firstID), at: 2)
                    try update.bind(.integer(Int64(count)), at: 3)
                    try data.withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> Void in
                        try update.bindBlob(b, at: 4)
                    }
                    try update.bind(.integer(id), at: 5)
                    try update.run()
                }
            }
            return deleted
        }
    }

    // MARK: metric filters

    public func putMetricFilter(_ f: MetricFilterRecord, maximumPerGroup: Int) async throws {
        try await database.write { [self] db in
            let gid = try groupID(db, f.logGroupName)
            let exists = try db.statement("SELECT 1 FROM metric_filters WHERE group_id = ? AND name = ?").bind(
                .integer(gid), .text(f.name)
            ).step()
            let count = try db.statement("SELECT count(*) FROM metric_filters WHERE group_id = ?").bind(.integer(gid))
            _ = try count.step()
            if !exists && count.int(0) >= maximumPerGroup {
                throw StoreError.limitExceeded(
                    .metricFiltersPerGroup, maximum: maximumPerGroup, count: count.int(0) + 1)
            }
            // An update keeps the creation time: the filter still applies to events ingested since then.
            try db.statement(
                """
                INSERT INTO metric_filters (group_id, name, pattern, transformations, creation_time) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (group_id, name) DO UPDATE SET pattern = excluded.pattern, transformations = excluded.transformations
                """
            ).bind(.integer(gid), .text(f.name), .text(f.pattern), .text(f.transformations), .integer(f.creationTime))
                .run()
        }
    }

    public func deleteMetricFilter(group: String, name: String) async throws {
        try await database.write { [self] db in
            let gid = try groupID(db, group)
            try db.statement("DELETE FROM metric_filters WHERE group_id = ? AND name = ?").bind(
                .integer(gid), .text(name)
            ).run()
            if db.changes == 0 { throw StoreError.notFound(.metricFilter(name)) }
        }
    }

    public func metricFiltersVersion() async throws -> Int64 {
        try await database.read { db in
            let s = try db.statement("SELECT value FROM counters WHERE name = 'metric_filters_version'")
            return try s.step() ? s.int64(0) : 0
        }
    }

    public func metricFilters(group: String?) async throws -> [MetricFilterRecord] {
        try await database.read { db in
            let s = try db.statement(
                """
                SELECT g.name, f.name, f.pattern, f.transformations, f.creation_time FROM metric_filters f JOIN log_groups g ON g.id = f.group_id
                WHERE ?1 IS NULL OR g.name = ?1 ORDER BY g.name, f.name
                """
            ).bind(group.map { .text($0) } ?? .null)
            var out: [MetricFilterRecord] = []
            while try s.step() {
                out.append(
                    MetricFilterRecord(
                        logGroupName: s.text(0), name: s.text(1), pattern: s.text(2), transformations: s.text(3),
                        creationTime: s.int64(4)))
            }
            return out
        }
    }

    // MARK: ingest offsets

    public func offset(source: String) async throws -> IngestOffset? {
        try await database.read { db in
            let s = try db.statement("SELECT identity, offset FROM ingest_offsets WHERE source = ?").bind(.text(source))
            return try s.step() ? IngestOffset(source: source, identity: s.text(0), offset: s.int64(1)) : nil
        }
    }

    public func record(_ offset: IngestOffset) async throws {
        try await database.write { [self] db in try writeOffset(db, offset) }
    }

    func writeOffset(_ db: SQLiteConnection, _ o: IngestOffset) throws {
        try db.statement(
            "INSERT INTO ingest_offsets (source, identity, offset) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET identity = excluded.identity, offset = excluded.offset"
        )
        .bind(.text(o.source), .text(o.identity), .integer(o.offset)).run()
    }
}

extension SQLiteLogStore {
    /// Sets the recorded schema version (tests use it to simulate a database from a newer vigil).
    public func debugSetUserVersion(_ version: Int) async throws {
        try await database.write { db in try db.execute("PRAGMA user_version = \(version)") }
    }
}
