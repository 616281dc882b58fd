/// A compiled CloudWatch Logs filter pattern: immutable, Sendable, matched against UTF-8 bytes.
///
/// Compile once, match many:
/// ```swift
/// let pattern = try FilterPattern("{ $.eventName = ConsoleLogin && $.errorMessage = \"Failed authentication\" }")
/// pattern.matches(#"{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}"#)  // true
/// ```
/// Syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
public final class FilterPattern: Sendable {
    /// The pattern as written.
    public let text: String
    /// The parsed pattern.
    public let syntax: FilterPatternSyntax
    /// Literals of which at least one occurs in every matching event (nil when there is no such set).
    ///
    /// Used to skip events, or whole buffers of lines, without evaluating the pattern.
    public let requiredLiterals: [[UInt8]]?
    let prefilter: MultiLiteralSearcher?
    /// The prefilter alone decides: every `?` group is a single literal term.
    let prefilterDecides: Bool
    let json: JSONBinding?
    let delimited: DelimitedMatcher?

    /// Parses and compiles `text`, throwing AWS's InvalidParameterException reasons with positions.
    public init(_ text: String) throws(FilterPatternError) {
        var parser = FilterPatternParser(text)
        let syntax = try parser.parse()
        self.text = text
        self.syntax = syntax
        self.requiredLiterals = PrefilterPlanner.literals(for: syntax)
        self.prefilter = requiredLiterals.map(MultiLiteralSearcher.init)
        if case .terms(let groups) = syntax {
            prefilterDecides = groups.allSatisfy { group in
                guard group.terms.count == 1, !group.terms[0].excluded, case .literal(let l) = group.terms[0].matcher
                else { return false }
                return !l.isEmpty
            }
        } else {
            prefilterDecides = false
        }
        json = if case .json(let expression) = syntax { JSONBinding(expressions: [expression]) } else { nil }
        delimited = if case .delimited(let pattern) = syntax { DelimitedMatcher(pattern) } else { nil }
    }

    /// Whether the pattern is the kind that reads JSON events.
    public var isJSON: Bool { if case .json = syntax { return true } else { return false } }
    /// Whether the pattern is a space-delimited field list.
    public var isDelimited: Bool { if case .delimited = syntax { return true } else { return false } }

    /// Whether the event `message` matches.
    public func matches(_ message: UnsafeBufferPointer<UInt8>) -> Bool {
        if let prefilter {
            if !prefilter.contains(message) { return false }
            if prefilterDecides { return true }
        }
        return check(message)
    }

    /// The pattern itself, after the prefilter passed.
    func check(_ message: UnsafeBufferPointer<UInt8>) -> Bool {
        switch syntax {
        case .matchAll: return true
        case .terms(let groups): return TermMatcher.matches(groups, message)
        case .json: return json!.matches(message)
        case .delimited:
            var scratch = DelimitedMatcher.Scratch()
            return delimited!.matches(message, &scratch)
        }
    }

    /// Whether the event `message` matches.
    public func matches(_ message: String) -> Bool {
        var copy = message
        return copy.withUTF8 { matches($0) }
    }

    /// Whether the event `message` matches.
    public func matches(_ message: [UInt8]) -> Bool {
        message.withUnsafeBufferPointer { matches($0) }
    }

    /// Evaluates the pattern on `message`: nil when it does not match, else what the match extracted.
    public func evaluate(_ message: UnsafeBufferPointer<UInt8>) -> PatternMatch? {
        if case .delimited(let pattern) = syntax {
            if let prefilter, !prefilter.contains(message) { return nil }
            return delimited!.match(message).map {
                PatternMatch(storage: .delimited($0.extractedValues(pattern, message)))
            }
        }
        return matches(message) ? PatternMatch(storage: .none) : nil
    }

    /// Calls `body` with the range of every line of `buffer` that matches (lines end with `\n`).
    ///
    /// `buffer` must hold whole lines. When the pattern has required literals, the buffer is searched
    /// for them first and only lines containing one are evaluated, like grep.
    public func forEachMatchingLine(in buffer: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        if let json {
            var values = JSONValues(slotCount: json.trie.slotCount)
            values.memo = JSONKeyMemo(for: json.table)
            var always: LineScanner.Density? = nil
            json.forEachObjectLine(in: buffer, prefilter: prefilter, density: &always, values: &values) {
                values, line in
                if json.program.evaluate(0, values, UnsafeBufferPointer(rebasing: buffer[line.lowerBound...])) {
                    body(line)
                }
            }
            return
        }
        if let delimited {
            var scratch = DelimitedMatcher.Scratch()
            LineScanner.forEachCandidateLine(in: buffer, prefilter: prefilter) { range in
                if delimited.matches(UnsafeBufferPointer(rebasing: buffer[range]), &scratch) { body(range) }
            }
            return
        }
        LineScanner.forEachCandidateLine(in: buffer, prefilter: prefilter) { range in
            if prefilterDecides || check(UnsafeBufferPointer(rebasing: buffer[range])) { body(range) }
        }
    }
}

/// What a match extracted: delimited fields by name and position, or the JSON values the filter read.
public struct PatternMatch: Sendable {
    enum Storage: Sendable {
        case none
        case delimited([(key: String, value: String)])
    }
    let storage: Storage

    /// The `extractedValues` map of TestMetricFilter: `$name` (or `$N` for unnamed and `...` fields)
    /// to the field's text, for space-delimited patterns; empty for other patterns, as AWS documents.
    public var extractedValues: [(key: String, value: String)] {
        guard case .delimited(let values) = storage else { return [] }
        return values
    }
}
