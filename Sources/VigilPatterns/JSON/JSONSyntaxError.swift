/// Why text is not JSON: what was expected, and where (byte offset, line and column, counted from 1).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Lowercase, naming what was expected or found, e.g. `expected ':' after the member name`.
    public let message: String
    /// Bytes before the problem.
    public let offset: Int
    public let line: Int
    public let column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The error at `offset` of `text`, with its line and column.
    init(_ message: String, at offset: Int, in text: UnsafeBufferPointer<UInt8>) {
        var line = 1
        var lineStart = 0
        for k in 0..<min(offset, text.count) where text[k] == 10 {
            line += 1
            lineStart = k + 1
        }
        self.init(message: message, offset: offset, line: line, column: offset - lineStart + 1)
    }

    public var description: String { "\(message) at line \(line), column \(column) (byte \(offset))" }
}
