import VigilAPI
import VigilPatterns

/// The strict JSON reader over arbitrary text.
///
/// Properties: a value read, written compactly and indented, reads back equal; and JSON filter
/// patterns applied to the text as a log event agree with their filter set (see ``PatternsFuzz``).
enum JSONFuzz {
    static let patterns: [FilterPattern] = [
        "{ $.a = 1 }", "{ $.a.b[0] = \"x\" }", "{ $.eventName = Console* }", "{ $.n > 10 && $.s != \"y\" }",
        "{ $.* = 1 }", "{ $.a[*] IS NULL }", "{ $.b NOT EXISTS }", "{ $.c IS TRUE || $.d = %ab+c% }",
    ].compactMap { try? FilterPattern($0) }
    static let set = FilterSet(patterns)

    static func run(_ bytes: [UInt8]) {
        if let value = try? JSONValue(parsing: bytes) {
            for indent in [nil, 0] as [Int?] {
                var out: [UInt8] = []
                AWSCLIJSON.write(value, indent: indent, into: &out)
                guard let again = try? JSONValue(parsing: out) else {
                    preconditionFailure("a value written as JSON does not read back")
                }
                precondition(again == value, "a value written as JSON reads back different")
            }
        }
        var scratch = FilterSet.Scratch(set)
        bytes.withUnsafeBufferPointer { m in
            var found: [Int] = []
            set.forEachMatch(m, &scratch) { found.append($0) }
            let expected = patterns.indices.filter { patterns[$0].matches(m) }
            precondition(found.sorted() == expected, "the filter set and its patterns one by one disagree")
        }
    }
}
