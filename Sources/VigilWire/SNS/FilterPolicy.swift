import VigilPatterns

/// A subscription's filter policy: which messages it receives, judged on the message's attributes
/// (FilterPolicyScope `MessageAttributes`, the default) or on its JSON body (`MessageBody`, where keys
/// nest as the body does).
///
/// Each key of the policy must match (AND); each key lists values, any of which may match (OR): a
/// string or number equal to the value, or an operator object — `prefix`, `suffix`,
/// `equals-ignore-case`, `anything-but` (a value, a list, or `{"prefix": …}`), `numeric`
/// (`[">", 0, "<=", 5]`) and `exists`.
public struct FilterPolicy: Sendable, Equatable {
    let root: JSONValue

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(json text: String) throws(Invalid) {
        guard let value = try? JSONValue(parsing: Array(text.utf8), maximumDepth: 8), case .object(let o) = value
        else { throw Invalid(description: "the policy is not a JSON object") }
        guard !o.members.isEmpty else { throw Invalid(description: "the policy has no keys") }
        try Self.check(value)
        root = value
    }

    static func check(_ node: JSONValue) throws(Invalid) {
        guard case .object(let o) = node else { return }
        for m in o.members {
            switch m.value {
            case .object: try check(m.value)
            case .array(let conditions):
                guard !conditions.isEmpty else { throw Invalid(description: "the key \(m.key) lists no values") }
                for c in conditions {
                    if case .object(let op) = c {
                        guard let first = op.members.first, op.members.count == 1,
                            ["prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists"].contains(
                                first.key)
                        else { throw Invalid(description: "unrecognized match type in \(m.key)") }
                        if first.key == "numeric" { _ = try numericRange(first.value) }
                    }
                }
            default: throw Invalid(description: "the key \(m.key) must list its values in an array")
            }
        }
    }

    /// Whether a message with these attributes (name → (type, value)) passes the policy.
    public func matches(attributes: [MessageAttribute]) -> Bool {
        guard case .object(let o) = root else { return false }
        return o.members.allSatisfy { m in
            let attribute = attributes.first { $0.name == m.key }
            let values: [JSONValue]
            if let attribute {
                if attribute.dataType.hasPrefix("String.Array"),
                    case .array(let items)? = try? JSONValue(parsing: Array(attribute.value.utf8))
                {
                    values = items
                } else if attribute.dataType.hasPrefix("Number") {
                    values = [.number(attribute.value)]
                } else {
                    values = [.string(attribute.value)]
                }
            } else {
                values = []
            }
            return Self.anyCondition(m.value, matches: values, present: attribute != nil)
        }
    }

    /// Whether a message body (JSON) passes the policy; a body that is not JSON passes none.
    public func matches(body: String) -> Bool {
        guard let value = try? JSONValue(parsing: Array(body.utf8)) else { return false }
        return Self.matches(policy: root, body: value)
    }

    static func matches(policy: JSONValue, body: JSONValue?) -> Bool {
        guard case .object(let o) = policy else { return false }
        return o.members.allSatisfy { m in
            let field = body?[m.key]
            if case .object = m.value { return matches(policy: m.value, body: field) }
            let values: [JSONValue] =
                switch field {
                case .array(let items)?: items
                case nil: []
                case let v?: [v]
                }
            return anyCondition(m.value, matches: values, present: field != nil)
        }
    }

    static func anyCondition(_ list: JSONValue, matches values: [JSONValue], present: Bool) -> Bool {
        guard case .array(let conditions) = list else { return false }
        return conditions.contains { condition in
            if case .object(let op) = condition, let first = op.members.first, first.key == "exists" {
                return (first.value == .bool(true)) == present
            }
            if case .object(let op) = condition, let first = op.members.first, first.key == "anything-but" {
                return present && values.allSatisfy { !excluded(first.value, $0) }
            }
            return values.contains { matches(condition, $0) }
        }
    }

    static func text(_ v: JSONValue) -> String? {
        if case .string(let s) = v { return s }
        return nil
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .number(let t): Double(t)
        case .string(let s): Double(s)
        default: nil
        }
    }

    static func matches(_ condition: JSONValue, _ value: JSONValue) -> Bool {
        switch condition {
        case .string(let s): return text(value) == s
        case .number: return number(condition) != nil && number(condition) == number(value)
        case .bool, .null: return condition == value
        case .object(let op):
            guard let first = op.members.first, let s = text(value) ?? number(value).map({ "\($0)" }) else {
                return false
            }
            switch first.key {
            case "prefix": return text(first.value).map { s.hasPrefix($0) } ?? false
            case "suffix": return text(first.value).map { s.hasSuffix($0) } ?? false
            case "equals-ignore-case": return text(first.value).map { s.lowercased() == $0.lowercased() } ?? false
            case "numeric":
                guard let n = number(value), let range = try? numericRange(first.value) else { return false }
                return range.allSatisfy { op, bound in
                    switch op {
                    case "=": n == bound
                    case "<": n < bound
                    case "<=": n <= bound
                    case ">": n > bound
                    default: n >= bound
                    }
                }
            default: return false
            }
        case .array: return false
        }
    }

    /// Whether `anything-but`'s operand excludes `value`.
    static func excluded(_ operand: JSONValue, _ value: JSONValue) -> Bool {
        switch operand {
        case .array(let items): return items.contains { matches($0, value) }
        case .object: return matches(operand, value)
        default: return matches(operand, value)
        }
    }

    /// `[">", 0, "<=", 5]` as (operator, bound) pairs.
    static func numericRange(_ v: JSONValue) throws(Invalid) -> [(String, Double)] {
        guard case .array(let items) = v, !items.isEmpty, items.count % 2 == 0, items.count <= 4 else {
            throw Invalid(description: "numeric takes one or two (operator, number) pairs")
        }
        var out: [(String, Double)] = []
        var i = 0
        while i < items.count {
            guard case .string(let op) = items[i], ["=", "<", "<=", ">", ">="].contains(op),
                let bound = number(items[i + 1]), bound.isFinite
            else { throw Invalid(description: "numeric: an operator must be followed by a number") }
            out.append((op, bound))
            i += 2
        }
        return out
    }
}
