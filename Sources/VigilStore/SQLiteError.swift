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

    public var description: String { "SQLite error \(code): \(message) - while executing `\(sql)`" }
}
