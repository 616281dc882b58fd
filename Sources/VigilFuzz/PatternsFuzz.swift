import VigilPatterns

/// Filter patterns: the first line of the input is a pattern, the other lines are log events.
///
/// Properties: compiling never traps; a compiled pattern's `matches` agrees with `evaluate`; and a
/// ``FilterSet`` (which prefilters on literals shared by its patterns) finds exactly the patterns that
/// match one by one.
enum PatternsFuzz {
    /// Patterns of every kind beside the fuzzed one, so the set's prefilter has literals to share.
    static let companions: [FilterPattern] = [
        "ERROR", "\"Failed authentication\"", "?ERROR ?WARN -DEBUG", "[ip, user, status = 5*, size > 100]",
        "{ $.eventName = ConsoleLogin }", "{ ($.a = 1) || ($.b[0] = \"x\") }", "%[0-9]{3}%",
    ].compactMap { try? FilterPattern($0) }

    static func run(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: 10) ?? bytes.count
        let text = String(decoding: bytes[..<newline], as: UTF8.self)
        guard let pattern = try? FilterPattern(text) else { return }
        let messages = bytes[min(newline + 1, bytes.count)...].split(separator: 10, omittingEmptySubsequences: false)
        let set = FilterSet(companions + [pattern])
        var scratch = FilterSet.Scratch(set)
        for message in messages {
            Array(message).withUnsafeBufferPointer { m in
                let matched = pattern.matches(m)
                precondition(matched == (pattern.evaluate(m) != nil), "matches and evaluate disagree")
                var found: [Int] = []
                set.forEachMatch(m, &scratch) { found.append($0) }
                let expected = set.patterns.indices.filter { set.patterns[$0].matches(m) }
                precondition(found.sorted() == expected, "the filter set and its patterns one by one disagree")
            }
        }
    }
}
