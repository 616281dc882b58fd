/// The ceiling that `vigil bench ingest` measures ingest against: the same rows inserted into
/// `log_events` of a fresh store, in transactions of the same size, with one prepared statement and
/// nothing else (no stream bookkeeping, no metrics, no offsets).
public struct SQLiteInsertBaseline {
    let store: SQLiteLogStore
    let gid: Int64
    let sid: Int64

    /// Creates a new store at `path` with one group and stream (not part of the measurement).
    public init(path: String, now: Int64) throws {
        let store = try SQLiteLogStore(path: path)
        try store.createLogGroup(name: "baseline", retentionInDays: nil, tags: [:], now: now)
        try store.createLogStream(group: "baseline", name: "baseline", now: now)
        (gid, sid) = try store.database.read { db in
            let g = try store.groupID(db, "baseline")
            return (g, try store.streamID(db, g, "baseline"))
        }
        self.store = store
    }

    /// Inserts every batch as one IMMEDIATE transaction each.
    public func run(batches: [[NewLogEvent]], ingestionTime: Int64) throws {
        for batch in batches {
            try store.database.write { db in
                let insert = try db.statement("INSERT INTO log_events (group_id, stream_id, timestamp, ingestion_time, message) VALUES (?, ?, ?, ?, ?)")
                for e in batch {
                    insert.reset()
                    try insert.bind(.integer(gid), at: 1)
                    try insert.bind(.integer(sid), at: 2)
                    try insert.bind(.integer(e.timestamp), at: 3)
                    try insert.bind(.integer(ingestionTime), at: 4)
                    try e.message.withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> Void in try insert.bindBlob(b, at: 5) }
                    try insert.run()
                }
            }
        }
    }
}
