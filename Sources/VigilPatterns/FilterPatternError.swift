/// A filter pattern or metric transformation that CloudWatch Logs would reject.
///
/// Carries the AWS error name, a stable id for the kind of problem, the 0-based byte offset in the
/// pattern and a lowercase message that quotes the offending text, for example
/// `expected a comparison operator after '$.eventName' at 14`.
public struct FilterPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable identifier of the kind of problem, such as `expected-operator`.
    public var id: String
    /// 0-based byte offset in the pattern where the problem was found.
    public var offset: Int
    /// What is wrong, in lowercase, quoting the offending text.
    public var message: String

    /// Creates an error.
    public init(id: String, offset: Int, message: String) {
        self.id = id
        self.offset = offset
        self.message = message
    }

    /// The AWS error name the API returns for this failure.
    public var awsErrorName: String { "InvalidParameterException" }

    /// The message with its position, as the API and the CLI print it.
    public var description: String { "\(message) at \(offset)" }

    /// The pattern with a caret under the offending byte, for terminals.
    public func caretDiagram(for pattern: String) -> String {
        let bytes = Array(pattern.utf8)
        let lineStart = bytes[..<min(offset, bytes.count)].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let lineEnd = bytes[min(offset, bytes.count)...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count
        return line + "\n" + String(repeating: " ", count: column) + "^"
    }
}
