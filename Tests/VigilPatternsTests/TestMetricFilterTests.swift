import Foundation
import Testing
import VigilPatterns

/// The TestMetricFilter operation: which messages match, what is extracted, the request's limits.
struct TestMetricFilterTests {
    @Test("requests need 1 to 50 non-empty messages")
    func messageLimits() {
        #expect(throws: FilterPatternError.self) { try TestMetricFilter.run(filterPattern: "a", logEventMessages: []) }
        #expect(throws: FilterPatternError.self) {
            try TestMetricFilter.run(filterPattern: "a", logEventMessages: Array(repeating: "a", count: 51))
        }
        #expect(throws: FilterPatternError.self) {
            try TestMetricFilter.run(filterPattern: "a", logEventMessages: ["a", ""])
        }
    }
}

@Suite("JSON string quoting")
struct JSONStringQuoteTests {
    @Test("escapes quotes, backslashes and control characters, and leaves other text as it is")
    func escapes() {
        #expect(JSONString.quote("plain") == "\"plain\"")
        #expect(JSONString.quote("a\"b\\c") == "\"a\\\"b\\\\c\"")
        #expect(JSONString.quote("l1\nl2\r\t\u{08}\u{0C}\u{01}\u{1F}") == "\"l1\\nl2\\r\\t\\b\\f\\u0001\\u001f\"")
        #expect(JSONString.quote("é→😀 /") == "\"é→😀 /\"")
        #expect(JSONString.quote("") == "\"\"")
    }

    @Test("what it writes parses back to the same string, for 2,000 random strings")
    func roundTrips() throws {
        let alphabet: [Character] = [
            "a", "Z", " ", "\"", "\\", "\n", "\t", "\u{00}", "\u{07}", "\u{1F}", "é", "😀", "/", "{", "}",
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let s = String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let parsed = try JSONSerialization.jsonObject(with: Data("[\(JSONString.quote(s))]".utf8)) as? [String]
            #expect(parsed == [s])
        }
    }
}
