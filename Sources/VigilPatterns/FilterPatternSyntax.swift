/// The parsed form of a CloudWatch Logs filter pattern, before compilation.
///
/// One of AWS's four pattern kinds: match-everything, unstructured terms (with `?` groups and
/// `-` exclusions, or a standalone `%regex%`), a JSON expression in braces, or a space-delimited
/// field list in square brackets.
public enum FilterPatternSyntax: Sendable {
    /// The empty pattern or `""`: every event matches.
    case matchAll
    /// Unstructured terms: the event matches when any group matches (`?` starts a group).
    case terms([TermGroup])
    /// `{ … }`: a boolean expression over JSON selectors.
    case json(ConditionExpression<JSONCondition>)
    /// `[ … ]`: named fields of a space-delimited event, with optional conditions.
    case delimited(DelimitedPattern)
}

/// Terms that must all hold for the group to match (AND).
public struct TermGroup: Sendable {
    /// The terms of the group, in pattern order.
    public var terms: [Term]
}

/// One unstructured term: a literal (bare or quoted) or a `%regex%`, possibly excluded with `-`.
public struct Term: Sendable {
    /// What the term looks for.
    public enum Matcher: Sendable {
        /// A case-sensitive substring of the event.
        case literal([UInt8])
        /// A regular expression found anywhere in the event.
        case regex(RegexProgram)
    }
    /// What the term looks for.
    public var matcher: Matcher
    /// `-term`: the group matches only when the term is absent.
    public var excluded: Bool
}

/// A boolean expression with `&&`, `||` and parentheses over conditions (JSON or delimited).
public indirect enum ConditionExpression<Condition: Sendable>: Sendable {
    /// A single condition.
    case condition(Condition)
    /// Both sides hold.
    case and(ConditionExpression, ConditionExpression)
    /// Either side holds.
    case or(ConditionExpression, ConditionExpression)

    /// Every condition in the expression, left to right.
    public var conditions: [Condition] {
        switch self {
        case .condition(let c): return [c]
        case .and(let l, let r), .or(let l, let r): return l.conditions + r.conditions
        }
    }
}

/// A comparison operator of the filter-pattern language.
public enum ComparisonOperator: String, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// The right-hand side of a comparison in a JSON or delimited pattern.
public enum ComparisonValue: Sendable {
    /// A string, quoted or bare; a leading and/or trailing `*` is a wildcard.
    case text(TextPattern)
    /// A number, compared numerically; `text` is its spelling, for string equality.
    case number(Double, text: [UInt8])
    /// `%regex%`: the value contains a match.
    case regex(RegexProgram)
}

/// A string with optional leading and trailing `*` wildcards (an inner `*` is literal, as AWS documents).
public struct TextPattern: Sendable, Equatable {
    /// The literal part, without the wildcards.
    public var literal: [UInt8]
    /// `*` before the literal: anything may precede it.
    public var anyPrefix: Bool
    /// `*` after the literal: anything may follow it.
    public var anySuffix: Bool

    /// Whether `value` matches this pattern exactly (wildcards aside).
    @inlinable
    public func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = literal.count
        if anyPrefix && anySuffix { return n == 0 || ByteSearch.contains(value, literal) }
        if value.count < n { return false }
        if anyPrefix { return literal.withUnsafeBufferPointer { bytesEqual(value, value.count - n, $0) } }
        if anySuffix { return literal.withUnsafeBufferPointer { bytesEqual(value, 0, $0) } }
        return value.count == n && literal.withUnsafeBufferPointer { bytesEqual(value, 0, $0) }
    }
}

/// Whether `needle` occurs in `haystack` at `at` (which must leave room for all of it).
@inlinable @inline(__always)
func bytesEqual(_ haystack: UnsafeBufferPointer<UInt8>, _ at: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
    assert(at >= 0 && at + needle.count <= haystack.count)
    guard let a = haystack.baseAddress, let b = needle.baseAddress else { return needle.isEmpty }
    return ByteSearch.equal(a + at, b, count: needle.count)
}

/// A JSON selector such as `$.userIdentity.type`, `$.users[0].email` or `$.actions[*]`.
public struct JSONSelector: Sendable, Hashable, CustomStringConvertible {
    /// One step of the selector.
    public enum Step: Sendable, Hashable {
        /// `.name`: a member of an object.
        case member([UInt8])
        /// `[n]`: an element of an array.
        case index(Int)
        /// `[*]`: any element of an array.
        case anyIndex
    }
    /// The steps after `$`.
    public var steps: [Step]
    /// The selector as written in the pattern.
    public var text: String
    public var description: String { text }
}

/// A condition of a JSON pattern.
public enum JSONCondition: Sendable {
    /// `SELECTOR op VALUE`.
    case compare(JSONSelector, ComparisonOperator, ComparisonValue)
    /// `SELECTOR IS NULL`.
    case isNull(JSONSelector)
    /// `SELECTOR IS TRUE` / `IS FALSE`.
    case isBoolean(JSONSelector, Bool)
    /// `SELECTOR NOT EXISTS`.
    case notExists(JSONSelector)

    /// The selector the condition reads.
    public var selector: JSONSelector {
        switch self {
        case .compare(let s, _, _), .isNull(let s), .isBoolean(let s, _), .notExists(let s): return s
        }
    }
}

/// A space-delimited pattern: `[ip, user, ..., status_code = 4*, bytes > 1000]`.
public struct DelimitedPattern: Sendable {
    /// One comma-separated entry of the pattern.
    public enum Entry: Sendable {
        /// `...`: zero or more fields.
        case ellipsis
        /// A field with an optional name (empty entries are unnamed) and optional conditions.
        case field(name: String?, condition: ConditionExpression<DelimitedCondition>?)
    }
    /// The entries, in order.
    public var entries: [Entry]
    /// Names of the named fields, by entry index.
    public var fieldNames: [String: Int]
}

/// A condition on a delimited field: `status_code = 4*`, `bytes > 1000`, `w1 != ERROR`.
public struct DelimitedCondition: Sendable {
    /// Index of the entry (field) the condition reads.
    public var entry: Int
    /// The comparison.
    public var op: ComparisonOperator
    /// The value compared with.
    public var value: ComparisonValue
}
