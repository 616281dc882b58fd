import Synchronization

/// A SQLite database file: writes run one at a time on the writer connection, each in an IMMEDIATE
/// transaction that a thrown error rolls back; reads run on a second, read-only connection, so with
/// WAL a reader neither waits for a writer nor blocks one (an alarm tick reads while ingest writes).
/// An in-memory database has one connection for both.
///
/// WAL journal, `synchronous=FULL` (a committed transaction survives power loss and `kill -9`),
/// foreign keys on. See https://www.sqlite.org/wal.html. New databases use 16 KiB pages (raw inserts
/// of log events ran ~30% faster than with 4 KiB in `vigil bench ingest`); checkpoints every 64 MiB
/// of WAL instead of 4 MiB; a 64 MiB page cache.
public final class SQLiteDatabase: Sendable {
    /// The connection, only touched under the lock. `SQLiteConnection` is not Sendable because it wraps
    /// C pointers; the Mutex makes every use serial.
    private let connection: Mutex<Connection>
    /// The read-only connection (nil for ":memory:", where a second connection would be another database).
    private let reader: Reader?
    public let path: String

    struct Connection: ~Copyable, @unchecked Sendable {  // @unchecked: only reached through the Mutex
        let value: SQLiteConnection
    }

    /// The read connection under its own lock (a class, so that it can be optional).
    final class Reader: Sendable {
        let connection: Mutex<Connection>
        init(_ c: SQLiteConnection) { connection = Mutex(Connection(value: c)) }
    }

    /// Opens or creates the database at `path` (":memory:" for a private in-memory database).
    public init(path: String) throws(SQLiteError) {
        let c = try SQLiteConnection(path: path)
        try c.execute(
            "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=16384; PRAGMA cache_size=-65536;"
        )
        self.path = path
        self.connection = Mutex(Connection(value: c))
        if path == ":memory:" || path.isEmpty {
            reader = nil
        } else {
            let r = try SQLiteConnection(path: path)
            try r.execute("PRAGMA query_only=1; PRAGMA cache_size=-65536;")
            reader = Reader(r)
        }
    }

    /// Runs `body` on the read connection without a transaction (each statement is its own, and sees
    /// every transaction committed before it started). Statements are finished when `body` returns.
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        guard let reader else { return try connection.withLock { try body($0.value) } }
        return try reader.connection.withLock { c in
            defer { c.value.finishStatements() }
            return try body(c.value)
        }
    }

    /// Runs `body` in one IMMEDIATE transaction: committed when it returns, rolled back when it throws.
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { c in
            let db = c.value
            try db.execute("BEGIN IMMEDIATE")
            do {
                let result = try body(db)
                try db.execute("COMMIT")
                return result
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }
}
