/// What CloudWatch accepts as a dimension (its API reference, `Dimension`): a name of 1 to 255 and a
/// value of 1 to 1,024 ASCII characters, neither only whitespace nor holding an ASCII control
/// character, and a name not starting with `:`.
public enum DimensionRules {
    /// Which part of a dimension is wrong.
    public enum Problem: Sendable, Equatable {
        case name(String)
        case value(String)
    }

    /// Why `name` and `value` are not a dimension CloudWatch accepts, or nil when they are.
    public static func problem(name: String, value: String) -> Problem? {
        if let reason = nameProblem(name) { return .name(reason) }
        if let reason = valueProblem(value) { return .value(reason) }
        return nil
    }

    /// Why `name` is not a dimension name, or nil.
    public static func nameProblem(_ name: String) -> String? {
        if let reason = textProblem(name, limit: 255) { return reason }
        return name.utf8.first == UInt8(ascii: ":") ? "must not start with ':'" : nil
    }

    /// Why `value` is not a dimension value, or nil.
    public static func valueProblem(_ value: String) -> String? { textProblem(value, limit: 1024) }

    static func textProblem(_ text: String, limit: Int) -> String? {
        let bytes = text.utf8
        guard !bytes.isEmpty else { return "must not be empty" }
        guard bytes.count <= limit else { return "is \(bytes.count) characters long; at most \(limit) are allowed" }
        if bytes.contains(where: { $0 >= 0x80 }) { return "must contain only ASCII characters" }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "must not contain ASCII control characters" }
        guard bytes.contains(where: { $0 != 0x20 }) else { return "must contain at least one non-whitespace character" }
        return nil
    }
}
