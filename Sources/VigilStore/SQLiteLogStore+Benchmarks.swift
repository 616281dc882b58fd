extension SQLiteLogStore {
    /// The ceiling `vigil bench ingest` measures ingest against: `batches` inserted as rows of
    /// `log_blocks` (one block per batch, numbered from 1) of the group and stream named, one IMMEDIATE
    /// transaction each, with one prepared statement and nothing else (no stream bookkeeping, no
    /// metrics, no offsets, no event counter). For benchmarks only (`@_spi(Benchmarks)`).
    @_spi(Benchmarks)
    public func insertRawBlocks(group: String, stream: String, batches: [[NewLogEvent]], ingestionTime: Int64)
        async throws
    {
        let (gid, sid) = try await database.read { [self] db in
            let g = try groupID(db, group)
            return (g, try streamID(db, g, stream))
        }
        var nextID: Int64 = 1
        for batch in batches {
            let first = nextID
            try await database.write { db in
                let insert = try db.statement(
                    """
                    INSERT INTO log_blocks (group_id, stream_id, first_ts, last_ts, first_event_id, event_count, ingestion_time, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                try insert.bind(
                    .integer(gid), .integer(sid), .integer(batch.first?.timestamp ?? 0),
                    .integer(batch.last?.timestamp ?? 0), .integer(first), .integer(Int64(batch.count)),
                    .integer(ingestionTime))
                try LogBlock.encode(batch).withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> Void in
                    try insert.bindBlob(b, at: 8)
                }
                try insert.run()
            }
            nextID += Int64(batch.count)
        }
    }
}
