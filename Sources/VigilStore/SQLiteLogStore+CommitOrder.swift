extension SQLiteLogStore {
    public func committedEvents(groups: [String], after id: Int64, limit: Int) async throws -> [CommittedLogEvents] {
        guard limit > 0, !groups.isEmpty else { return [] }
        // Ids start at 1; a hostile `id` (a client's Last-Event-ID) is clamped, never overflowed.
        let id = min(max(id, 0), Int64.max - 1)
        return try await database.read { [self] db in
            var batches: [CommittedLogEvents] = []
            for group in Set(groups) {
                let gid: Int64
                do { gid = try groupID(db, group) } catch StoreError.notFound(_) { continue }
                batches += try committedEvents(db, group: group, gid: gid, after: id, limit: limit)
            }
            // Each group's batches are in id order; so are all of them once sorted, cut at `limit` events.
            batches.sort { $0.firstEventID < $1.firstEventID }
            var out: [CommittedLogEvents] = []
            var count = 0
            for batch in batches where count < limit {
                let kept = Array(batch.events.prefix(limit - count))
                count += kept.count
                out.append(
                    kept.count == batch.events.count
                        ? batch
                        : CommittedLogEvents(
                            group: batch.group, stream: batch.stream, firstEventID: batch.firstEventID,
                            ingestionTime: batch.ingestionTime, events: kept))
            }
            return out
        }
    }

    public func nextEventID() async throws -> Int64 {
        try await database.read { db in
            let counter = try db.statement("SELECT value FROM counters WHERE name = 'event_id'")
            defer { counter.reset() }
            return try counter.step() ? counter.int64(0) : 1
        }
    }

    /// One group's blocks holding ids after `id`, in id order, until they hold `limit` events; the first
    /// one cut to the ids after `id`.
    private func committedEvents(_ db: SQLiteConnection, group: String, gid: Int64, after id: Int64, limit: Int)
        throws -> [CommittedLogEvents]
    {
        var out: [CommittedLogEvents] = []
        var count = 0
        // The block that holds `id` itself may hold later ids too; then the blocks that start after it.
        let queries = [
            """
            SELECT b.first_event_id, b.event_count, b.ingestion_time, b.first_ts, b.data, s.name FROM log_blocks b
            JOIN log_streams s ON s.id = b.stream_id
            WHERE b.group_id = ?1 AND b.first_event_id <= ?2 ORDER BY b.first_event_id DESC LIMIT 1
            """,
            """
            SELECT b.first_event_id, b.event_count, b.ingestion_time, b.first_ts, b.data, s.name FROM log_blocks b
            JOIN log_streams s ON s.id = b.stream_id
            WHERE b.group_id = ?1 AND b.first_event_id > ?2 ORDER BY b.first_event_id
            """,
        ]
        for sql in queries {
            let blocks = try db.statement(sql).bind(.integer(gid), .integer(id))
            defer { blocks.reset() }
            while count < limit, try blocks.step() {
                let firstID = blocks.int64(0)
                guard firstID + blocks.int64(1) > id else { continue }
                let data = blocks.blob(4)
                guard let entries = LogBlock.decode(data, firstTimestamp: blocks.int64(3)) else {
                    throw StoreError.corrupt("log block of group \(group) from event \(firstID) cannot be decoded")
                }
                let skip = id >= firstID ? Int(id - firstID + 1) : 0
                let events = entries.dropFirst(skip).prefix(limit - count).map {
                    NewLogEvent(timestamp: $0.timestamp, message: Array(data[$0.range]))
                }
                guard !events.isEmpty else { continue }
                count += events.count
                out.append(
                    CommittedLogEvents(
                        group: group, stream: blocks.text(5), firstEventID: firstID + Int64(skip),
                        ingestionTime: blocks.int64(2), events: events))
            }
        }
        return out
    }
}
