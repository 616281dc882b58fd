public import VigilPatterns

/// Why a request's JSON does not decode into an operation's input: where (the member path) and what
/// is wrong. Service-neutral: each service's error type words it as that service does
/// (``CloudWatchError/init(_:)-(APIInputError)``, ``CloudWatchLogsError/init(_:)-(APIInputError)``).
public struct APIInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One step of the path to the offending value.
    public enum PathElement: Sendable, Equatable {
        case member(String)
        /// A list element, counted from 0.
        case index(Int)
    }

    public enum Problem: Sendable, Equatable {
        /// The text is not JSON.
        case syntax(JSONSyntaxError)
        /// A required member is absent (or null).
        case missing
        /// The value is of another JSON type: `expected` names the field's ("a string"), `found` the value's.
        case typeMismatch(expected: String, found: String)
        /// A number that is not a whole number where the field needs one.
        case notWhole(text: String)
        /// A number outside what the field's type holds (`range` in words, e.g. "-2147483648 to 2147483647").
        case outOfRange(text: String, range: String)
        /// A string that is not one of a closed set of values.
        case notInSet(value: String, allowed: [String])
        /// A timestamp that is neither ISO 8601 text nor epoch seconds in years 0001–9999.
        case invalidTimestamp(text: String)
        /// Any other reason, in words.
        case invalid(String)
    }

    public let path: [PathElement]
    public let problem: Problem

    public init(path: [PathElement], _ problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// The path as CloudWatch's query protocol writes parameters: `MetricData.member.2.Value`.
    public var queryPath: String {
        path.map { e in
            switch e {
            case .member(let name): name
            case .index(let i): "member.\(i + 1)"
            }
        }.joined(separator: ".")
    }

    /// The path as CloudWatch Logs' validation messages write it: `logEvents.2.member.timestamp`.
    public var memberPath: String {
        var out = ""
        for e in path {
            switch e {
            case .member(let name): out += out.isEmpty ? name : (out.hasSuffix(".") ? "member." : ".") + name
            case .index(let i): out += ".\(i + 1)."
            }
        }
        return out.hasSuffix(".") ? String(out.dropLast()) : out
    }

    /// What is wrong, in words (without the path).
    public var reason: String {
        switch problem {
        case .syntax(let e): "the request is not valid JSON: \(e)"
        case .missing: "it is required"
        case .typeMismatch(let expected, let found): "it must be \(expected), not \(found)"
        case .notWhole(let text): "\(text) is not a whole number"
        case .outOfRange(let text, let range): "\(text) is out of range (\(range))"
        case .notInSet(let value, let allowed): "'\(value)' is not one of \(allowed.joined(separator: ", "))"
        case .invalidTimestamp(let text):
            "'\(text)' is not a time: give ISO 8601 (2026-11-25T10:00:00Z) or seconds since 1970, in years 0001 to 9999"
        case .invalid(let why): why
        }
    }

    public var description: String { path.isEmpty ? reason : "\(queryPath): \(reason)" }
}
