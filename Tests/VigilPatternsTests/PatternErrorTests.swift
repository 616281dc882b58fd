import Testing
import VigilBench
import VigilPatterns

/// Invalid patterns produce InvalidParameterException reasons with a byte position, never a crash or a match-all.
struct PatternErrorTests {
    @Test(
        "positioned errors",
        arguments: [
            ("{ $.eventName }", "expected-operator", 14, "expected a comparison operator after '$.eventName'"),
            ("{ $.eventName = \"x\" ", "unclosed-json-pattern", 0, "not closed with '}'"),
            ("{ eventName = x }", "expected-selector", 2, "expected a selector starting with '$'"),
            ("{ $.a = 1 } extra", "trailing-text", 12, "unexpected 'extra'"),
            ("{ $.a > \"x\" }", "expected-number", 8, "compares numbers"),
            ("{ $.a >= abc }", "expected-number", 9, "'abc' is not a number"),
            ("{ $.a IS MAYBE }", "expected-is-operand", 9, "expected NULL, TRUE or FALSE"),
            ("{ $.a NOT THERE }", "expected-exists", 10, "expected EXISTS"),
            ("{ ($.a = 1 }", "unclosed-parenthesis", 2, "not closed with ')'"),
            ("{ $.a = 1 && }", "expected-selector", 13, "expected a selector"),
            ("{ $[0] = 1 }", "index-without-property", 3, "must follow a property"),
            ("{ $.a[x] = 1 }", "expected-index", 6, "expected an array index"),
            ("{ $ = 1 }", "expected-property", 3, "expected '.' and a property name"),
            ("{}", "empty-json-pattern", 0, "no condition"),
            ("[a, b", "unclosed-delimited-pattern", 0, "not closed with ']'"),
            ("[a, a]", "duplicate-field", 4, "'a' appears twice"),
            ("[a b]", "expected-comma", 3, "expected ',' or ']'"),
            ("[a, b = ]", "expected-value", 8, "expected a value after '='"),
            (
                "{ $.a[99999999999999999999] = 1 }", "index-too-large", 6,
                "the array index 99999999999999999999 is too large"
            ),
            ("{ $.a[1000000000] = 1 }", "index-too-large", 6, "at most 9 digits"),
            ("[a = 1 && c = 2, b]", "unknown-field", 10, "'c' is not a field"),
            ("\"unterminated", "unterminated-string", 0, "not closed with '\"'"),
            ("%abc", "unterminated-regex", 0, "not closed with '%'"),
            ("ERROR {", "misplaced-structured-pattern", 6, "starts a json pattern only at the beginning"),
            ("ERROR - ", "expected-term", 8, "expected a term after '-'"),
            ("ab\"c\"", "misplaced-quote", 2, "unexpected '\"'"),
        ])
    func positionedErrors(pattern: String, id: String, offset: Int, message: String) {
        #expect {
            _ = try FilterPattern(pattern)
        } throws: { error in
            guard let e = error as? FilterPatternError else { return false }
            return e.id == id && e.offset == offset && e.message.contains(message)
                && e.awsErrorName == "InvalidParameterException"
        }
    }

    @Test("the message reads 'expected … at N' as the API reports it")
    func description() {
        #expect {
            _ = try FilterPattern("{ $.eventName }")
        } throws: { error in
            (error as? FilterPatternError)?.description == "expected a comparison operator after '$.eventName' at 14"
        }
    }

    @Test("patterns longer than 1024 bytes are rejected")
    func patternLength() throws {
        _ = try FilterPattern(String(repeating: "a", count: 1024))
        #expect {
            try FilterPattern(String(repeating: "a", count: 1025))
        } throws: { error in
            (error as? FilterPatternError)?.description
                == "filter pattern is 1025 bytes long, over the limit of 1024 bytes; the excess begins at 1024"
        }
    }

    @Test("a caret marks the offending byte")
    func caret() {
        let error = FilterPatternError(id: "x", offset: 14, message: "m")
        #expect(error.caretDiagram(for: "{ $.eventName }") == "{ $.eventName }\n              ^")
    }

    @Test("property: random inputs compile or fail with an in-range position, never crash")
    func neverCrashes() {
        var rng = SplitMix64(seed: 1234)
        let pieces = [
            "{", "}", "[", "]", "(", ")", "$", ".", "a", "1", "=", "!=", ">", "&&", "||", "\"", "%", "*", "...", ",",
            " ", "IS", "NULL", "NOT", "EXISTS", "?", "-", "\\", "é", "[0]", "[*]",
        ]
        for _ in 0..<5000 {
            let pattern = (0..<Int.random(in: 0...14, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
                .joined()
            do {
                let compiled = try FilterPattern(pattern)
                _ = compiled.matches("{\"a\": 1, \"b\": [\"x\"]}")
                _ = compiled.matches("a 1 [x y] \"q r\"")
            } catch {
                #expect(error.offset >= 0 && error.offset <= pattern.utf8.count, "\(pattern): \(error)")
            }
        }
    }
}
