internal import CSQLite

/// One SQLite connection (a `sqlite3*`), closed in `deinit`. Not thread-safe: ``SQLiteDatabase`` owns it.
final class SQLiteConnection {
    let handle: OpaquePointer
    private var cache: [String: SQLiteStatement] = [:]

    /// Opens (creating) the database at `path`; ":memory:" for a private in-memory one.
    init(path: String) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message, sql: "open \(path)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit {
        cache.removeAll()  // statements are finalized before the connection closes
        sqlite3_close_v2(handle)
    }

    /// Turns a result code into a typed error (the one checking function for every call).
    func check(_ rc: Int32, _ sql: @autoclosure () -> String) throws(SQLiteError) {
        guard rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE else {
            throw SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql())
        }
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws(SQLiteError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), sql)
    }

    /// Resets every cached statement, ending the read transaction a statement left unfinished would
    /// keep open (and with it an old snapshot of a WAL database).
    func finishStatements() {
        for statement in cache.values { statement.reset() }
    }

    /// A prepared statement for `sql`, cached and reset for reuse.
    func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        let statement = try SQLiteStatement(connection: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    /// Blocks the calling thread (a writer's or reader's, never the cooperative pool's).
    static func sleep(milliseconds: Int) { _ = sqlite3_sleep(Int32(clamping: milliseconds)) }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }
}
