/// Parses filter-pattern text into ``FilterPatternSyntax``, reporting the first problem with its byte offset.
///
/// Grammar (from AWS's "Filter pattern syntax" documentation):
/// ```
/// pattern    := ws* ( json | delimited | terms )? ws*
/// terms      := term (ws+ term)*        term := '?'? ('-' ws*)? ( '"' text '"' | '%' regex '%' | bare )
/// json       := '{' or '}'              or := and ('||' and)*   and := primary ('&&' primary)*
/// primary    := '(' or ')' | selector ( op value | IS NULL | IS TRUE | IS FALSE | NOT EXISTS )
/// delimited  := '[' entry (',' entry)* ']'   entry := '...' | ε | name | or-of-field-conditions
/// ```
public struct FilterPatternParser {
    /// Patterns longer than this are rejected, as by PutMetricFilter and TestMetricFilter.
    public static let maximumLength = 1024
    /// At most this many `%regex%` in one pattern (AWS's per-pattern quota).
    public static let maximumRegularExpressions = 2
    static let maximumNesting = 64

    let bytes: [UInt8]
    var i = 0
    var regexCount = 0
    var depth = 0

    /// Creates a parser for `pattern`.
    public init(_ pattern: String) { bytes = Array(pattern.utf8) }

    /// Parses the whole pattern.
    public mutating func parse() throws(FilterPatternError) -> FilterPatternSyntax {
        if bytes.count > Self.maximumLength {
            throw FilterPatternError(
                id: "pattern-too-long", offset: Self.maximumLength,
                message:
                    "filter pattern is \(bytes.count) bytes long, over the limit of \(Self.maximumLength) bytes; the excess begins"
            )
        }
        skipSpace()
        guard i < bytes.count else { return .matchAll }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            let expression = try parseJSON()
            return .json(expression)
        case UInt8(ascii: "["):
            return .delimited(try parseDelimited())
        default:
            let groups = try parseTerms()
            let onlyEmpty = groups.allSatisfy {
                $0.terms.allSatisfy { term in
                    if case .literal(let l) = term.matcher { return l.isEmpty && !term.excluded } else { return false }
                }
            }
            return onlyEmpty ? .matchAll : .terms(groups)
        }
    }

    // MARK: - Lexical helpers

    func error(_ id: String, _ at: Int, _ message: String) -> FilterPatternError {
        FilterPatternError(id: id, offset: at, message: message)
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// A short quotation of what stands at `at` (a token, or "the end of the pattern").
    func found(at: Int) -> String {
        guard at < bytes.count else { return "the end of the pattern" }
        var end = at + 1
        if isWordByte(bytes[at]) { while end < bytes.count, isWordByte(bytes[end]), end - at < 24 { end += 1 } }
        return "'" + text(at..<end) + "'"
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
    func isWordByte(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45 || c >= 0x80
    }

    mutating func skipSpace() { while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 } }

    func peek(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { return false }
        return true
    }

    /// Reads `"…"` starting at the quote; `\"` and `\\` are escapes. Returns the unescaped bytes.
    mutating func readQuoted() throws(FilterPatternError) -> [UInt8] {
        let open = i
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\\"), i + 1 < bytes.count,
                bytes[i + 1] == UInt8(ascii: "\"") || bytes[i + 1] == UInt8(ascii: "\\")
            {
                out.append(bytes[i + 1])
                i += 2
                continue
            }
            if c == UInt8(ascii: "\"") {
                i += 1
                return out
            }
            out.append(c)
            i += 1
        }
        throw error("unterminated-string", open, "the quoted string starting here is not closed with '\"'")
    }

    /// Reads `%…%` starting at the first percent sign and compiles it.
    mutating func readRegex() throws(FilterPatternError) -> RegexProgram {
        let open = i
        i += 1
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "%") { i += 1 }
        guard i < bytes.count else {
            throw error("unterminated-regex", open, "the regular expression starting here is not closed with '%'")
        }
        let source = Array(bytes[start..<i])
        i += 1
        regexCount += 1
        if regexCount > Self.maximumRegularExpressions {
            throw error(
                "too-many-regex", open,
                "a filter pattern can contain at most \(Self.maximumRegularExpressions) regular expressions")
        }
        return try RegexProgram(source: source, offset: start)
    }

    // MARK: - Unstructured terms

    mutating func parseTerms() throws(FilterPatternError) -> [TermGroup] {
        var groups = [TermGroup(terms: [])]
        while true {
            skipSpace()
            guard i < bytes.count else { break }
            var startsGroup = false
            var excluded = false
            if bytes[i] == UInt8(ascii: "?") {
                startsGroup = true
                i += 1
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
                excluded = true
                i += 1
                skipSpace()
            }
            guard i < bytes.count, !Self.isSpace(bytes[i]) else {
                throw error(
                    "expected-term", i, "expected a term after '\(excluded ? "-" : "?")' but found \(found(at: i))")
            }
            let matcher: Term.Matcher
            switch bytes[i] {
            case UInt8(ascii: "\""):
                matcher = .literal(try readQuoted())
            case UInt8(ascii: "%"):
                matcher = .regex(try readRegex())
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                throw error(
                    "misplaced-structured-pattern", i,
                    "'\(String(UnicodeScalar(bytes[i])))' starts a \(bytes[i] == UInt8(ascii: "{") ? "json" : "space-delimited") pattern only at the beginning of the filter pattern; quote the term to search for it"
                )
            default:
                let start = i
                while i < bytes.count, !Self.isSpace(bytes[i]) {
                    if bytes[i] == UInt8(ascii: "\"") {
                        throw error(
                            "misplaced-quote", i,
                            "unexpected '\"' inside the term '\(text(start..<i))'; quote the whole term")
                    }
                    i += 1
                }
                matcher = .literal(Array(bytes[start..<i]))
            }
            if i < bytes.count, !Self.isSpace(bytes[i]) {
                throw error("expected-space", i, "expected a space after the term but found \(found(at: i))")
            }
            if startsGroup && !groups[groups.count - 1].terms.isEmpty { groups.append(TermGroup(terms: [])) }
            groups[groups.count - 1].terms.append(Term(matcher: matcher, excluded: excluded))
        }
        return groups
    }

    // MARK: - Operators and values

    mutating func readOperator() -> ComparisonOperator? {
        for (s, op) in [
            ("!=", ComparisonOperator.notEqual), ("<=", .lessOrEqual), (">=", .greaterOrEqual),
            ("=", .equal), ("<", .less), (">", .greater),
        ] {
            let u = Array(s.utf8)
            if i + u.count <= bytes.count, Array(bytes[i..<i + u.count]) == u {
                i += u.count
                return op
            }
        }
        return nil
    }

    static func isValueTerminator(_ c: UInt8) -> Bool {
        isSpace(c) || c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")
            || c == UInt8(ascii: ")") || c == UInt8(ascii: "(") || c == UInt8(ascii: "&") || c == UInt8(ascii: "|")
            || c == UInt8(ascii: "\"") || c == UInt8(ascii: "=") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">")
            || c == UInt8(ascii: "!")
    }

    /// Parses the value after `op` (which was written at `opAt`).
    mutating func parseValue(after op: ComparisonOperator, opAt: Int) throws(FilterPatternError) -> ComparisonValue {
        skipSpace()
        guard i < bytes.count else {
            throw error("expected-value", i, "expected a value after '\(op.rawValue)' but found the end of the pattern")
        }
        let start = i
        let relational = op != .equal && op != .notEqual
        switch bytes[i] {
        case UInt8(ascii: "\""):
            let literal = try readQuoted()
            if relational {
                throw error(
                    "expected-number", start, "'\(op.rawValue)' compares numbers, but '\(text(start..<i))' is a string")
            }
            return .text(Self.textPattern(literal))
        case UInt8(ascii: "%"):
            if relational {
                throw error(
                    "expected-number", start,
                    "'\(op.rawValue)' compares numbers; a regular expression needs '=' or '!='")
            }
            return .regex(try readRegex())
        default:
            while i < bytes.count, !Self.isValueTerminator(bytes[i]) { i += 1 }
            guard i > start else {
                throw error(
                    "expected-value", start, "expected a value after '\(op.rawValue)' but found \(found(at: start))")
            }
            let raw = Array(bytes[start..<i])
            if let number = Self.parseNumber(raw) { return .number(number, text: raw) }
            if relational {
                throw error(
                    "expected-number", start,
                    "'\(op.rawValue)' compares numbers, but '\(text(start..<i))' is not a number")
            }
            return .text(Self.textPattern(raw))
        }
    }

    static func textPattern(_ raw: [UInt8]) -> TextPattern {
        var literal = raw[...]
        let star = UInt8(ascii: "*")
        let anyPrefix = literal.first == star
        if anyPrefix { literal = literal.dropFirst() }
        let anySuffix = literal.last == star
        if anySuffix { literal = literal.dropLast() }
        return TextPattern(
            literal: Array(literal), anyPrefix: anyPrefix || (raw == [star]), anySuffix: anySuffix || (raw == [star]))
    }

    /// A number as the pattern language spells it: optional sign, digits, optional fraction and exponent.
    static func parseNumber(_ raw: [UInt8]) -> Double? {
        var k = 0
        if k < raw.count, raw[k] == UInt8(ascii: "+") || raw[k] == UInt8(ascii: "-") { k += 1 }
        var digits = 0
        while k < raw.count, raw[k] >= 48, raw[k] <= 57 {
            k += 1
            digits += 1
        }
        if k < raw.count, raw[k] == UInt8(ascii: ".") {
            k += 1
            var fraction = 0
            while k < raw.count, raw[k] >= 48, raw[k] <= 57 {
                k += 1
                fraction += 1
            }
            if fraction == 0 { return nil }
            digits += fraction
        }
        if digits == 0 { return nil }
        if k < raw.count, raw[k] == UInt8(ascii: "e") || raw[k] == UInt8(ascii: "E") {
            k += 1
            if k < raw.count, raw[k] == UInt8(ascii: "+") || raw[k] == UInt8(ascii: "-") { k += 1 }
            var exponent = 0
            while k < raw.count, raw[k] >= 48, raw[k] <= 57 {
                k += 1
                exponent += 1
            }
            if exponent == 0 { return nil }
        }
        guard k == raw.count else { return nil }
        var s = String(decoding: raw, as: UTF8.self)
        if s.hasPrefix("+") { s.removeFirst() }
        return Double(s)
    }

    // MARK: - JSON patterns

    mutating func parseJSON() throws(FilterPatternError) -> ConditionExpression<JSONCondition> {
        let open = i
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            throw error("empty-json-pattern", open, "the json pattern '{}' has no condition")
        }
        let expression = try parseOr { (p: inout FilterPatternParser) throws(FilterPatternError) in
            try p.parseJSONCondition()
        }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "}") else {
            if i >= bytes.count {
                throw error("unclosed-json-pattern", open, "the json pattern starting here is not closed with '}'")
            }
            throw error("expected-and-or", i, "expected '&&', '||' or '}' but found \(found(at: i))")
        }
        i += 1
        skipSpace()
        if i < bytes.count {
            throw error("trailing-text", i, "unexpected \(found(at: i)) after the end of the json pattern")
        }
        return expression
    }

    mutating func parseOr<C>(
        _ condition: (inout FilterPatternParser) throws(FilterPatternError) -> ConditionExpression<C>
    ) throws(FilterPatternError) -> ConditionExpression<C> {
        var left = try parseAnd(condition)
        while true {
            skipSpace()
            guard peek("||") else { return left }
            i += 2
            left = .or(left, try parseAnd(condition))
        }
    }

    mutating func parseAnd<C>(
        _ condition: (inout FilterPatternParser) throws(FilterPatternError) -> ConditionExpression<C>
    ) throws(FilterPatternError) -> ConditionExpression<C> {
        var left = try parsePrimary(condition)
        while true {
            skipSpace()
            guard peek("&&") else { return left }
            i += 2
            left = .and(left, try parsePrimary(condition))
        }
    }

    mutating func parsePrimary<C>(
        _ condition: (inout FilterPatternParser) throws(FilterPatternError) -> ConditionExpression<C>
    ) throws(FilterPatternError) -> ConditionExpression<C> {
        skipSpace()
        guard i < bytes.count else {
            throw error("expected-condition", i, "expected a condition but found the end of the pattern")
        }
        if bytes[i] == UInt8(ascii: "(") {
            let open = i
            i += 1
            depth += 1
            if depth > Self.maximumNesting {
                throw error("too-deeply-nested", open, "parentheses are nested more than \(Self.maximumNesting) deep")
            }
            let inner = try parseOr(condition)
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ")") else {
                throw error("unclosed-parenthesis", open, "the '(' here is not closed with ')'; found \(found(at: i))")
            }
            i += 1
            depth -= 1
            return inner
        }
        return try condition(&self)
    }

    mutating func parseSelector() throws(FilterPatternError) -> JSONSelector {
        let start = i
        guard i < bytes.count, bytes[i] == UInt8(ascii: "$") else {
            throw error("expected-selector", i, "expected a selector starting with '$' but found \(found(at: i))")
        }
        i += 1
        var steps: [JSONSelector.Step] = []
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: ".") {
                i += 1
                let nameStart = i
                while i < bytes.count,
                    isWordByte(bytes[i]) || bytes[i] == UInt8(ascii: "@") || bytes[i] == UInt8(ascii: ":")
                { i += 1 }
                guard i > nameStart else {
                    throw error("expected-property", i, "expected a property name after '.' in '\(text(start..<i))'")
                }
                steps.append(.member(Array(bytes[nameStart..<i])))
            } else if c == UInt8(ascii: "[") {
                guard !steps.isEmpty else {
                    throw error(
                        "index-without-property", i, "an array index must follow a property, as in '$.items[0]'")
                }
                let open = i
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "*") {
                    i += 1
                    steps.append(.anyIndex)
                } else {
                    var value = 0
                    var digits = 0
                    while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57, digits < 9 {
                        value = value * 10 + Int(bytes[i] - 48)
                        i += 1
                        digits += 1
                    }
                    guard digits > 0 else {
                        throw error(
                            "expected-index", i, "expected an array index or '*' after '[' in '\(text(start..<i))'")
                    }
                    if i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                        var end = i
                        while end < bytes.count, bytes[end] >= 48, bytes[end] <= 57 { end += 1 }
                        throw error(
                            "index-too-large", open + 1,
                            "the array index \(text(open + 1..<end)) is too large: an index has at most 9 digits (0 to 999999999)"
                        )
                    }
                    steps.append(.index(value))
                }
                guard i < bytes.count, bytes[i] == UInt8(ascii: "]") else {
                    throw error("unclosed-index", open, "the '[' here is not closed with ']'")
                }
                i += 1
            } else {
                break
            }
        }
        if steps.isEmpty {
            throw error("expected-property", i, "expected '.' and a property name after '$'")
        }
        return JSONSelector(steps: steps, text: text(start..<i))
    }

    mutating func readKeyword() -> String? {
        let start = i
        while i < bytes.count, (bytes[i] >= 65 && bytes[i] <= 90) || (bytes[i] >= 97 && bytes[i] <= 122) { i += 1 }
        return i > start ? text(start..<i).uppercased() : nil
    }

    mutating func parseJSONCondition() throws(FilterPatternError) -> ConditionExpression<JSONCondition> {
        let selector = try parseSelector()
        skipSpace()
        let opAt = i
        if let op = readOperator() {
            return .condition(.compare(selector, op, try parseValue(after: op, opAt: opAt)))
        }
        let keywordAt = i
        switch readKeyword() {
        case "IS":
            skipSpace()
            let valueAt = i
            switch readKeyword() {
            case "NULL": return .condition(.isNull(selector))
            case "TRUE": return .condition(.isBoolean(selector, true))
            case "FALSE": return .condition(.isBoolean(selector, false))
            default:
                throw error(
                    "expected-is-operand", valueAt,
                    "expected NULL, TRUE or FALSE after 'IS' but found \(found(at: valueAt))")
            }
        case "NOT":
            skipSpace()
            let valueAt = i
            guard readKeyword() == "EXISTS" else {
                throw error("expected-exists", valueAt, "expected EXISTS after 'NOT' but found \(found(at: valueAt))")
            }
            return .condition(.notExists(selector))
        default:
            i = keywordAt
            throw error("expected-operator", opAt, "expected a comparison operator after '\(selector.text)'")
        }
    }

    // MARK: - Space-delimited patterns

    mutating func parseDelimited() throws(FilterPatternError) -> DelimitedPattern {
        let open = i
        i += 1
        var entries: [DelimitedPattern.Entry] = []
        var names: [String: Int] = [:]
        var structure: [Int: ConditionExpression<PendingCondition>] = [:]
        while true {
            skipSpace()
            guard i < bytes.count else {
                throw error(
                    "unclosed-delimited-pattern", open,
                    "the space-delimited pattern starting here is not closed with ']'")
            }
            let entryIndex = entries.count
            if peek("...") {
                i += 3
                entries.append(.ellipsis)
            } else if bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "]") {
                if bytes[i] == UInt8(ascii: "]") && entries.isEmpty {
                    // `[]`: no field named, so every field is one, as `$1`, `$2`, … (TestMetricFilter's
                    // "without specifying any fields" example): the same as `[...]`.
                    i += 1
                    return DelimitedPattern(entries: [.ellipsis], fieldNames: [:])
                }
                entries.append(.field(name: nil, condition: nil))
            } else {
                let entryStart = i
                let expression = try parseOr { (p: inout FilterPatternParser) throws(FilterPatternError) in
                    try p.parseFieldCondition()
                }
                let conditions = expression.conditions
                let name = conditions[0].name
                if conditions.count > 1 || conditions[0].op != nil {
                    for c in conditions where c.op == nil {
                        throw error(
                            "expected-operator", c.at + c.name.utf8.count,
                            "expected a comparison operator after '\(c.name)'")
                    }
                }
                if names[name] != nil {
                    throw error("duplicate-field", entryStart, "the field '\(name)' appears twice in the pattern")
                }
                names[name] = entryIndex
                if conditions[0].op != nil { structure[entryIndex] = expression }
                entries.append(.field(name: name, condition: nil))
            }
            skipSpace()
            guard i < bytes.count else {
                throw error(
                    "unclosed-delimited-pattern", open,
                    "the space-delimited pattern starting here is not closed with ']'")
            }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                break
            }
            throw error("expected-comma", i, "expected ',' or ']' but found \(found(at: i))")
        }
        skipSpace()
        if i < bytes.count {
            throw error("trailing-text", i, "unexpected \(found(at: i)) after the end of the space-delimited pattern")
        }
        // Resolve the names that conditions read into entry indexes.
        for (entryIndex, expression) in structure {
            let resolved = try resolve(expression, names: names)
            if case .field(let name, _) = entries[entryIndex] {
                entries[entryIndex] = .field(name: name, condition: resolved)
            }
        }
        return DelimitedPattern(entries: entries, fieldNames: names)
    }

    struct PendingCondition: Sendable {
        var name: String
        var at: Int
        var op: ComparisonOperator?
        var value: ComparisonValue?
    }

    func resolve(_ e: ConditionExpression<PendingCondition>, names: [String: Int]) throws(FilterPatternError)
        -> ConditionExpression<DelimitedCondition>
    {
        switch e {
        case .and(let l, let r): return .and(try resolve(l, names: names), try resolve(r, names: names))
        case .or(let l, let r): return .or(try resolve(l, names: names), try resolve(r, names: names))
        case .condition(let c):
            guard let entry = names[c.name] else {
                throw error(
                    "unknown-field", c.at,
                    "'\(c.name)' is not a field of this pattern; name it in its own position first")
            }
            return .condition(DelimitedCondition(entry: entry, op: c.op!, value: c.value!))
        }
    }

    mutating func parseFieldCondition() throws(FilterPatternError) -> ConditionExpression<PendingCondition> {
        let start = i
        while i < bytes.count,
            isWordByte(bytes[i]) || bytes[i] == UInt8(ascii: "$") || bytes[i] == UInt8(ascii: ".")
                || bytes[i] == UInt8(ascii: "@") || bytes[i] == UInt8(ascii: ":")
        {
            i += 1
        }
        guard i > start else {
            throw error("expected-field-name", start, "expected a field name but found \(found(at: start))")
        }
        let name = text(start..<i)
        skipSpace()
        let opAt = i
        if let op = readOperator() {
            let value = try parseValue(after: op, opAt: opAt)
            return .condition(PendingCondition(name: name, at: start, op: op, value: value))
        }
        return .condition(PendingCondition(name: name, at: start, op: nil, value: nil))
    }
}
