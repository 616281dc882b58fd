import Synchronization

/// A SQLite database file with one serial owner: every read and write runs under one lock on one
/// connection, and `write` wraps its body in an IMMEDIATE transaction that a thrown error rolls back.
///
/// WAL journal, `synchronous=FULL` (a committed transaction survives power loss and `kill -9`),
/// foreign keys on. See https://www.sqlite.org/wal.html. New databases use 16 KiB pages (raw inserts
/// of log events ran ~30% faster than with 4 KiB in `vigil bench ingest`); checkpoints every 64 MiB
/// of WAL instead of 4 MiB; a 64 MiB page cache.
public final class SQLiteDatabase: Sendable {
    /// The connection, only touched under the lock. `SQLiteConnection` is not Sendable because it wraps
    /// C pointers; the Mutex makes every use serial.
    private let connection: Mutex<Connection>
    public let path: String

    struct Connection: ~Copyable, @unchecked Sendable {  // @unchecked: only reached through the Mutex
        let value: SQLiteConnection
    }

    /// Opens or creates the database at `path` (":memory:" for a private in-memory database).
    public init(path: String) throws(SQLiteError) {
        let c = try SQLiteConnection(path: path)
        try c.execute("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=16384; PRAGMA cache_size=-65536;")
        self.path = path
        self.connection = Mutex(Connection(value: c))
    }

    /// Runs `body` on the connection without a transaction (each statement is its own).
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { try body($0.value) }
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
