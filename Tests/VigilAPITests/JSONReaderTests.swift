import Foundation
import Testing
import VigilBench
import VigilPatterns

/// The strict JSON reader: RFC 8259's grammar, UTF-8, unique member names, bounded depth, positions.
struct JSONReaderTests {
    func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    @Test("reads every kind of value, keeping member order and number text")
    func values() throws {
        let v = try parse(#" { "b": [1, -0.5e+3, true, false, null], "a": {"x": "y\n\u00e9\ud83d\ude00"}, "": "" } "#)
        guard case .object(let o) = v else {
            Issue.record("not an object")
            return
        }
        #expect(o.members.map(\.key) == ["b", "a", ""])
        #expect(v["b"] == .array([.number("1"), .number("-0.5e+3"), .bool(true), .bool(false), .null]))
        #expect(v["a"]?["x"] == .string("y\né😀"))
    }

    @Test(
        "refuses what RFC 8259 does not allow, saying what and where",
        arguments: [
            ("", "expected a value, found the end of the text", 0),
            ("{\"a\":1,}", "expected a member name in double quotes, found '}'", 7),
            ("[1,]", "expected a value, found ']'", 3),
            ("01", "unexpected '1' after the JSON value", 1),
            ("{\"a\" 1}", "expected ':' after the member name \"a\", found '1'", 5),
            ("[1 2]", "expected ',' or ']' after a list element, found '2'", 3),
            ("\"abc", "a string is not closed (no '\"' before the end of the text)", 4),
            ("\"a\u{01}\"", "a string holds a control character (byte 0x1); write it as an escape", 2),
            ("\"\\x\"", "a string holds an invalid escape sequence", 1),
            ("NaN", "expected a value, found 'N'", 0),
            ("-", "expected a number", 0),
            ("1.", "expected a number", 0),
            ("{\"a\":1,\"a\":2}", "the member name \"a\" appears more than once in this object", 7),
            ("\"\\ud800\"", "a \\u escape in this string is half of a surrogate pair", 0),
            ("\"\\udc00x\"", "a \\u escape in this string is half of a surrogate pair", 0),
            ("// c\n1", "expected a value, found '/'", 0),
        ])
    func refuses(_ text: String, _ message: String, _ offset: Int) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.message == message, "\(text)")
            #expect(error.offset == offset, "\(text)")
        }
    }

    @Test("reports the line and column of a problem in a multi-line file")
    func lineAndColumn() throws {
        let error = #expect(throws: JSONSyntaxError.self) { try parse("{\n  \"Period\": 300,\n  \"X\": tru\n}") }
        #expect(error?.line == 3 && error?.column == 8)
        #expect(error?.description == "expected true or false at line 3, column 8 (byte 26)")
    }

    @Test("refuses bytes that are not UTF-8 inside strings (overlong, surrogate, truncated, above U+10FFFF)")
    func invalidUTF8() throws {
        for bad: [UInt8] in [
            [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80],
        ] {
            let text = Array("{\"k\":\"ok".utf8) + bad + Array("\"}".utf8)
            let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text) }
            #expect(error?.message == "a string holds bytes that are not UTF-8" && error?.offset == 8, "\(bad)")
        }
        // Every well-formed sequence, of each length, is taken as it is.
        #expect(try JSONValue(parsing: Array("[\"é€😀\u{7F}\"]".utf8)) == .array([.string("é€😀\u{7F}")]))
    }

    @Test("bounds nesting: 512 levels are read by default, 513 refused")
    func depth() throws {
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = #expect(throws: JSONSyntaxError.self) { _ = try parse(tooDeep) }
        #expect(error?.message == "values nest more than 512 deep" && error?.offset == 512)
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { _ = try parse(deep) }
        // Far deeper hostile input fails cleanly, without exhausting the stack.
        #expect(throws: JSONSyntaxError.self) { _ = try parse(String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test("agrees with Python's json module on 300 random documents, escapes and Unicode included")
    func agreesWithPython() async throws {
        var rng = SplitMix64(seed: 7)
        var documents: [String] = []
        func string() -> String {
            let pieces = [
                "a", "é", "😀", "\\n", "\\\"", "\\\\", "\\u00e9", "\\ud83d\\ude00", " ", "\\t", "/", "\\/", "x",
            ]
            return "\""
                + (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
                + "\""
        }
        func value(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &rng) {
            case 0: return string()
            case 1:
                return ["0", "-1", "12.5", "1e3", "-2.5E-3", "123456789012345678901234567890", "0.1"].randomElement(
                    using: &rng)!
            case 2: return ["true", "false", "null"].randomElement(using: &rng)!
            case 3, 4: return string()
            case 5:
                return "["
                    + (0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth + 1) }.joined(separator: " , ")
                    + "]"
            default:
                let keys = Set(
                    (0..<Int.random(in: 0...4, using: &rng)).map { "\"k\($0)\(Int.random(in: 0...3, using: &rng))\"" })
                return "{" + keys.map { "\($0):\(value(depth + 1))" }.joined(separator: ",\n") + "}"
            }
        }
        for _ in 0..<300 { documents.append(value(0)) }
        // Python parses each line and prints it back canonically; so does Vigil, from its own parse.
        let input = documents.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        let expected = try await Python.run(
            "import sys, json\nfor line in sys.stdin: print(json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True))",
            input: Array(input.utf8))
        let lines = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for (k, document) in documents.enumerated() {
            let ours = try JSONValue(parsing: Array(document.utf8))
            #expect(Self.canonical(ours) == String(lines[k]), "\(document)")
        }
    }

    /// `json.dumps(sort_keys=True, ensure_ascii=False)` of a parsed value, numbers as Python reads them.
    static func canonical(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let t):
            if t.contains(where: { ".eE".contains($0) }) { return Double(t)!.description }
            return t.hasPrefix("-0") && t.count == 2 ? "0" : t
        case .string(let s): return JSONString.quote(s)
        case .array(let a): return "[" + a.map(canonical).joined(separator: ", ") + "]"
        case .object(let o):
            return "{"
                + o.members.sorted { $0.key < $1.key }.map { "\(JSONString.quote($0.key)): \(canonical($0.value))" }
                .joined(separator: ", ") + "}"
        }
    }
}
