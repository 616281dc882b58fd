import Foundation

/// A composite alarm's AlarmRule: `ALARM("a") AND NOT OK(b)`, `TRUE`, `FALSE`, with parentheses.
///
/// As the CloudWatch User Guide describes it: the functions ALARM, OK and INSUFFICIENT_DATA of an
/// alarm name (quoted, or bare when it has no spaces or parentheses), TRUE, FALSE, and the operators
/// AND, OR and NOT; at most 100 child alarms and 500 elements (children, TRUE/FALSE, and parenthesis
/// pairs); at least one child or TRUE/FALSE. AWS does not state operator precedence; Vigil uses the
/// usual NOT over AND over OR (docs/alarms.md).
public indirect enum CompositeRule: Sendable, Equatable {
    case state(AlarmState, String)
    case constant(Bool)
    case not(CompositeRule)
    case and(CompositeRule, CompositeRule)
    case or(CompositeRule, CompositeRule)

    /// Why a rule does not parse, and where (a character offset).
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "\(message) at \(offset)" }
    }

    public static let maximumChildren = 100
    public static let maximumElements = 500

    /// Parses `text` (at most 10,240 characters, as AlarmRule's length limit).
    public init(parsing text: String) throws(ParseError) {
        guard text.count <= 10_240 else {
            throw ParseError(message: "the rule is longer than 10240 characters", offset: 10_240)
        }
        var parser = Parser(Array(text.unicodeScalars))
        let rule = try parser.or()
        parser.space()
        guard parser.i == parser.s.count else {
            throw ParseError(message: "unexpected '\(parser.s[parser.i])'", offset: parser.i)
        }
        guard parser.elements <= Self.maximumElements else {
            throw ParseError(
                message: "the rule has \(parser.elements) elements; at most \(Self.maximumElements) are allowed",
                offset: 0)
        }
        guard Set(rule.children).count <= Self.maximumChildren else {
            throw ParseError(
                message:
                    "the rule names \(Set(rule.children).count) alarms; at most \(Self.maximumChildren) are allowed",
                offset: 0)
        }
        self = rule
    }

    /// The alarms the rule names, in order of appearance.
    public var children: [String] {
        switch self {
        case .state(_, let name): [name]
        case .constant: []
        case .not(let r): r.children
        case .and(let l, let r), .or(let l, let r): l.children + r.children
        }
    }

    /// Whether the rule holds for the given alarm states (an unknown alarm is in no state).
    public func holds(_ states: [String: AlarmState]) -> Bool {
        switch self {
        case .state(let s, let name): states[name] == s
        case .constant(let b): b
        case .not(let r): !r.holds(states)
        case .and(let l, let r): l.holds(states) && r.holds(states)
        case .or(let l, let r): l.holds(states) || r.holds(states)
        }
    }

    struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var elements = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func space() { while i < s.count, s[i].properties.isWhitespace { i += 1 } }

        /// Reads a keyword (letters and underscores) without consuming it unless it matches.
        mutating func keyword(_ word: String) -> Bool {
            space()
            let w = Array(word.unicodeScalars)
            guard i + w.count <= s.count,
                Array(s[i..<i + w.count]).map({ Character($0).uppercased() }) == w.map({ String(Character($0)) })
            else { return false }
            let next = i + w.count
            if next < s.count, s[next].properties.isAlphabetic || s[next] == "_" { return false }
            i = next
            return true
        }

        mutating func or() throws(ParseError) -> CompositeRule {
            var left = try and()
            while keyword("OR") { left = .or(left, try and()) }
            return left
        }

        mutating func and() throws(ParseError) -> CompositeRule {
            var left = try unary()
            while keyword("AND") { left = .and(left, try unary()) }
            return left
        }

        mutating func unary() throws(ParseError) -> CompositeRule {
            if keyword("NOT") { return .not(try unary()) }
            space()
            guard i < s.count else {
                throw ParseError(message: "expected ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or '('", offset: i)
            }
            if s[i] == "(" {
                i += 1
                elements += 1
                let inner = try or()
                space()
                guard i < s.count, s[i] == ")" else { throw ParseError(message: "expected ')'", offset: i) }
                i += 1
                return inner
            }
            if keyword("TRUE") {
                elements += 1
                return .constant(true)
            }
            if keyword("FALSE") {
                elements += 1
                return .constant(false)
            }
            for (word, state) in [("INSUFFICIENT_DATA", AlarmState.insufficientData), ("ALARM", .alarm), ("OK", .ok)]
            where keyword(word) {
                space()
                guard i < s.count, s[i] == "(" else {
                    throw ParseError(message: "expected '(' after \(word)", offset: i)
                }
                i += 1
                space()
                let name = try alarmName()
                space()
                guard i < s.count, s[i] == ")" else {
                    throw ParseError(message: "expected ')' after the alarm name", offset: i)
                }
                i += 1
                elements += 1
                return .state(state, name)
            }
            throw ParseError(message: "expected ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or '('", offset: i)
        }

        /// A quoted name ("…", with \" and \\ escapes) or a bare one up to the closing parenthesis.
        mutating func alarmName() throws(ParseError) -> String {
            let start = i
            var name = ""
            if i < s.count, s[i] == "\"" {
                i += 1
                while i < s.count, s[i] != "\"" {
                    if s[i] == "\\", i + 1 < s.count { i += 1 }
                    name.unicodeScalars.append(s[i])
                    i += 1
                }
                guard i < s.count else { throw ParseError(message: "unterminated alarm name", offset: start) }
                i += 1
            } else {
                while i < s.count, s[i] != ")", !s[i].properties.isWhitespace {
                    name.unicodeScalars.append(s[i])
                    i += 1
                }
            }
            // An alarm ARN names the alarm after its last ':alarm:'.
            if name.hasPrefix("arn:"), let r = name.range(of: ":alarm:", options: .backwards) {
                name = String(name[r.upperBound...])
            }
            guard !name.isEmpty else { throw ParseError(message: "expected an alarm name", offset: start) }
            return name
        }
    }
}
