/// The ceiling that `vigil bench ingest` measures ingest against: the same rows (one block per batch)
/// inserted into `log_blocks` of a fresh store, in transactions of the same size, with one prepared
/// statement and nothing else (no stream bookkeeping, no metrics, no offsets, no event counter).
public struct SQLiteInsertBaseline: Sendable {
    let store: SQLiteLogStore
    let gid: Int64
    let sid: Int64

    /// Creates a new store at `path` with one group and stream (not part of the measurement).
    public init(path: String, now: Int64) async throws {
        let store = try SQLiteLogStore(path: path)
        try await store.createLogGroup(name: "baseline", retentionInDays: nil, tags: [:], now: now)
        try await store.createLogStream(group: "baseline", name: "baseline", now: now)
        (gid, sid) = try await store.database.read { db in
            let g = try store.groupID(db, "baseline")
            return (g, try store.streamID(db, g, "baseline"))
        }
        self.store = store
    }

    /// Inserts every batch as one IMMEDIATE transaction each.
    public func run(batches: [[NewLogEvent]], ingestionTime: Int64) async throws {
        var nextID: Int64 = 1
        for batch in batches {
            let (gid, sid, first) = (gid, sid, nextID)
            try await store.database.write { db in
                let insert = try db.statement(
                    """
                    INSERT INTO log_blocks (group_id, stream_id, first_ts, last_ts, first_event_id, event_count, ingestion_time, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                try insert.bind(
                    .integer(gid), .integer(sid), .integer(batch.first?.timestamp ?? 0),
                    .integer(batch.last?.timestamp ?? 0),
                    .integer(first),
                    .integer(Int64(batch.count)), .integer(ingestionTime))
                try LogBlock.encode(batch).withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> Void in
                    try insert.bindBlob(b, at: 8)
                }
                try insert.run()
            }
            nextID += Int64(batch.count)
        }
    }
}
