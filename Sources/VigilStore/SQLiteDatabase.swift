import Dispatch
import Synchronization

/// A SQLite database file with one writer and a small pool of readers, each connection driven by a
/// thread of its own, never by Swift's cooperative pool (a blocking SQLite call there would stall
/// every task of the process).
///
/// - Writes run one at a time, in order, on the writer connection, each in an IMMEDIATE transaction
///   that a thrown error rolls back.
/// - Reads run on up to ``readerCount`` read-only connections at once, each in one transaction: with
///   WAL a read sees one snapshot (every commit before it started, none after), however many
///   statements it runs, so a page of a listing never shows half a commit; and readers neither wait
///   for the writer nor block it (an alarm tick reads while ingest writes).
/// - An in-memory database has one connection for both (a second would be another database).
///
/// WAL journal, `synchronous=FULL` (a committed transaction survives power loss and `kill -9`),
/// foreign keys on. See https://www.sqlite.org/wal.html and https://www.sqlite.org/isolation.html.
/// New databases use 16 KiB pages (raw inserts of log events ran ~30% faster than with 4 KiB in
/// `vigil bench ingest`); checkpoints every 256 MiB of WAL (16,384 pages) instead of every 1,000
/// pages; a 64 MiB page cache.
public final class SQLiteDatabase: Sendable {
    public let path: String
    /// Read connections at most in use at once.
    public let readerCount: Int

    let writer: Box
    let writerQueue = DispatchQueue(label: "vigil.sqlite.writer")
    /// Writes waiting for the writer queue, run together by ``runWaitingWrites()``.
    let waiting = Mutex<[any WaitingWrite]>([])
    let readers: ReaderPool?

    /// A connection that only one thread uses at a time: the writer behind its serial queue, a reader
    /// while checked out of the pool. (`@unchecked`: that discipline, not the type, makes it safe.)
    final class Box: @unchecked Sendable {
        let connection: SQLiteConnection
        init(_ connection: SQLiteConnection) { self.connection = connection }
    }

    /// Idle read connections, and a semaphore counting them (a read waits on a Dispatch thread).
    final class ReaderPool: Sendable {
        let idle: Mutex<[Box]>
        let available: DispatchSemaphore
        let queue = DispatchQueue(label: "vigil.sqlite.readers", attributes: .concurrent)

        init(_ boxes: [Box]) {
            idle = Mutex(boxes)
            available = DispatchSemaphore(value: boxes.count)
        }
    }

    /// Opens or creates the database at `path` (":memory:" for a private in-memory database) with
    /// `readers` read connections.
    public init(path: String, readers: Int = 4) throws(SQLiteError) {
        let c = try SQLiteConnection(path: path)
        try c.execute(
            "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=16384; PRAGMA cache_size=-65536;"
        )
        self.path = path
        self.writer = Box(c)
        if path == ":memory:" || path.isEmpty {
            self.readers = nil
            self.readerCount = 1
        } else {
            var boxes: [Box] = []
            for _ in 0..<max(1, readers) {
                let r = try SQLiteConnection(path: path)
                try r.execute("PRAGMA query_only=1; PRAGMA cache_size=-16384;")
                boxes.append(Box(r))
            }
            self.readers = ReaderPool(boxes)
            self.readerCount = boxes.count
        }
    }

    /// Runs `body` in one read transaction (one snapshot); statements are finished when it returns.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        guard let readers else {
            return try await onWriter { try Self.inReadTransaction($0, body) }
        }
        return try await withCheckedThrowingContinuation { continuation in
            readers.queue.async {
                readers.available.wait()
                let box = readers.idle.withLock { $0.removeLast() }
                defer {
                    readers.idle.withLock { $0.append(box) }
                    readers.available.signal()
                }
                continuation.resume(with: Result { try Self.inReadTransaction(box.connection, body) })
            }
        }
    }

    static func inReadTransaction<T>(_ db: SQLiteConnection, _ body: (SQLiteConnection) throws -> T) throws -> T {
        try db.execute("BEGIN DEFERRED")
        defer {
            db.finishStatements()
            try? db.execute("COMMIT")
        }
        return try body(db)
    }

    /// Runs `body` in a write transaction: committed (durably) before this returns, rolled back when
    /// it throws.
    ///
    /// Group commit: writes that arrive while the writer is busy wait together, and the writer then
    /// runs them in order in one IMMEDIATE transaction, each in a savepoint of its own, with one COMMIT
    /// (one fsync) for all. A write that throws rolls back only its savepoint; each write returns
    /// only after the COMMIT that holds it, and if that COMMIT fails, every write in it fails and none
    /// is kept. A write that finds the writer idle runs alone at once.
    ///
    /// `committed`, if given, is called with the result on the writer's thread after the COMMIT and before
    /// any later write runs: calls come in commit order. It must be quick (it holds up every write).
    func write<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T,
        committed: (@Sendable (T) -> Void)? = nil
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let write = GroupedWrite(body, continuation, committed: committed)
            let first = waiting.withLock { queue in
                queue.append(write)
                return queue.count == 1
            }
            if first { writerQueue.async { self.runWaitingWrites() } }
        }
    }

    /// How many writes one group commit holds at most (a bound on the first one's wait).
    static let groupLimit = 64

    /// Runs the writes waiting (up to ``groupLimit``; the rest go next), on the writer queue.
    func runWaitingWrites() {
        let group = waiting.withLock { queue -> [any WaitingWrite] in
            let taken = Array(queue.prefix(Self.groupLimit))
            queue.removeFirst(taken.count)
            return taken
        }
        guard !group.isEmpty else { return }
        defer {
            // Writes that came while this group ran, or beyond its limit, run next.
            if waiting.withLock({ !$0.isEmpty }) { writerQueue.async { self.runWaitingWrites() } }
        }
        let db = writer.connection
        if group.count == 1, let only = group.first {
            only.runAlone(db)
            return
        }
        do {
            // A savepoint that fails leaves the transaction in doubt: it is rolled back whole, as a
            // failed COMMIT is, and every write of the group fails.
            try Self.inWriteTransaction(db) { db in
                for write in group {
                    try db.execute("SAVEPOINT grouped_write")
                    write.run(db)
                    db.finishStatements()
                    if write.failed { try db.execute("ROLLBACK TO grouped_write") }
                    try db.execute("RELEASE grouped_write")
                }
            }
            for write in group { write.finish(committed: nil) }
        } catch {
            for write in group { write.finish(committed: error) }
        }
    }

    /// ``write(_:)`` for callers that are not async (schema migration when the store opens).
    func writeNow<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try writerQueue.sync { try Self.inWriteTransaction(writer.connection, body) }
    }

    func onWriter<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            writerQueue.async { continuation.resume(with: Result { try body(self.writer.connection) }) }
        }
    }

    static func inWriteTransaction<T>(_ db: SQLiteConnection, _ body: (SQLiteConnection) throws -> T) throws -> T {
        try beginImmediate(db)
        do {
            let result = try body(db)
            // A statement left on a row would keep a read transaction (and its snapshot) open past the
            // COMMIT; the next BEGIN IMMEDIATE would then fail with SQLITE_BUSY_SNAPSHOT at once.
            db.finishStatements()
            try db.execute("COMMIT")
            return result
        } catch {
            db.finishStatements()
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// How long a write waits for the write lock that another process holds before it fails.
    static let writeLockPatience: Duration = .seconds(300)

    /// Starts a write transaction, waiting for other processes' writers however often SQLite reports
    /// the database busy (a plain busy, or a stale snapshot, which the busy timeout does not cover): a
    /// write waits its turn, with backoff, and fails only after ``writeLockPatience``, saying why.
    static func beginImmediate(_ db: SQLiteConnection) throws(SQLiteError) {
        let clock = ContinuousClock()
        let start = clock.now
        var pause = 1  // milliseconds, doubling to 100
        while true {
            do {
                return try db.execute("BEGIN IMMEDIATE")
            } catch let error where error.isBusy {
                db.finishStatements()
                try? db.execute("ROLLBACK")  // a stale read transaction, if one was left open
                let waited = clock.now - start
                guard waited < writeLockPatience else {
                    throw SQLiteError(
                        code: error.code,
                        message:
                            "the database has been locked by another process for \(waited.components.seconds) s (is another vigil writing to the same data directory and stuck?)",
                        sql: "BEGIN IMMEDIATE")
                }
                SQLiteConnection.sleep(milliseconds: pause)
                pause = min(pause * 2, 100)
            }
        }
    }
}

/// A write waiting for a group commit (its result type erased, so writes of any type wait together).
protocol WaitingWrite: Sendable {
    /// Whether ``run(_:)`` threw (its savepoint is then rolled back).
    var failed: Bool { get }
    /// Runs the body inside the group's transaction, keeping its result or error.
    func run(_ db: SQLiteConnection)
    /// Runs the body in a transaction of its own and answers.
    func runAlone(_ db: SQLiteConnection)
    /// Answers the caller: the body's result, or `committed`'s error when the COMMIT failed.
    func finish(committed: (any Error)?)
}

/// One caller's write in a group commit. Touched only on the writer queue after it is queued.
final class GroupedWrite<T: Sendable>: WaitingWrite, @unchecked Sendable {
    let body: @Sendable (SQLiteConnection) throws -> T
    let continuation: CheckedContinuation<T, any Error>
    let committed: (@Sendable (T) -> Void)?
    var result: Result<T, any Error>?

    init(
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T, _ continuation: CheckedContinuation<T, any Error>,
        committed: (@Sendable (T) -> Void)?
    ) {
        self.body = body
        self.continuation = continuation
        self.committed = committed
    }

    var failed: Bool {
        if case .failure = result { return true }
        return false
    }

    func run(_ db: SQLiteConnection) {
        result = Result { try body(db) }
    }

    func runAlone(_ db: SQLiteConnection) {
        let outcome = Result { try SQLiteDatabase.inWriteTransaction(db, body) }
        if case .success(let value) = outcome { committed?(value) }
        continuation.resume(with: outcome)
    }

    func finish(committed: (any Error)?) {
        switch (result, committed) {
        case (.failure(let error), _): continuation.resume(throwing: error)
        case (_, let error?): continuation.resume(throwing: error)
        case (.success(let value), nil):
            self.committed?(value)
            continuation.resume(returning: value)
        case (nil, nil):
            continuation.resume(
                throwing: SQLiteError(code: 21, message: "a grouped write did not run", sql: "SAVEPOINT"))
        }
    }
}
