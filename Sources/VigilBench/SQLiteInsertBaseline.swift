@_spi(Benchmarks) import VigilStore

/// The ceiling that `vigil bench ingest` measures ingest against: the same rows (one block per batch)
/// inserted into a fresh store, in transactions of the same size, with one prepared statement and
/// nothing else (``SQLiteLogStore/insertRawBlocks(group:stream:batches:ingestionTime:)``).
struct SQLiteInsertBaseline: Sendable {
    let store: SQLiteLogStore

    /// Creates a new store at `path` with one group and stream (not part of the measurement).
    init(path: String, now: Int64) async throws {
        store = try SQLiteLogStore(path: path)
        try await store.createLogGroup(name: "baseline", retentionInDays: nil, tags: [:], now: now)
        try await store.createLogStream(group: "baseline", name: "baseline", now: now)
    }

    /// Inserts every batch as one IMMEDIATE transaction each.
    func run(batches: [[NewLogEvent]], ingestionTime: Int64) async throws {
        try await store.insertRawBlocks(
            group: "baseline", stream: "baseline", batches: batches, ingestionTime: ingestionTime)
    }
}
