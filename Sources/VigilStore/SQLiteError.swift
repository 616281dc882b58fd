/// A failed SQLite call: the result code, SQLite's message and the statement or operation it ran.
///
/// Printed like GRDB's errors: `SQLite error 19: NOT NULL constraint failed: events.message - while executing ...`.
/// Bound values never appear in the text.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The primary or extended SQLite result code.
    public let code: Int32
    public let message: String
    /// The SQL or operation that failed.
    public let sql: String

    /// SQLITE_BUSY and its extended codes (a stale snapshot 517, recovery 261, timeout 773): another
    /// connection holds the lock; waiting and retrying succeeds.
    public var isBusy: Bool { code & 0xFF == 5 }

    public var description: String { "SQLite error \(code): \(message) - while executing `\(sql)`" }
}
