import Foundation
import Testing
import VigilAPI
import VigilBench
import VigilPatterns

/// Output as the aws CLI prints it, with Python's json.dumps(indent=4, ensure_ascii=False) as the oracle.
struct AWSCLIJSONTests {
    struct Output: Encodable {
        var label: String
        var datapoints: [Point]
        var nextToken: String?
        enum CodingKeys: String, CodingKey {
            case label = "Label"
            case datapoints = "Datapoints"
            case nextToken = "NextToken"
        }
    }

    struct Point: Encodable {
        var timestamp: Timestamp
        var sum: Double
        var unit: String
        enum CodingKeys: String, CodingKey {
            case timestamp = "Timestamp"
            case sum = "Sum"
            case unit = "Unit"
        }
    }

    @Test("members print in declaration order, absent ones left out, doubles as Python floats")
    func shape() throws {
        let out = Output(
            label: "Errors",
            datapoints: [Point(timestamp: Timestamp(millisecondsSinceEpoch: 1_795_514_400_000), sum: 2, unit: "None")])
        #expect(
            try AWSCLIJSON.text(out) == """
                {
                    "Label": "Errors",
                    "Datapoints": [
                        {
                            "Timestamp": "2026-11-24T10:00:00Z",
                            "Sum": 2.0,
                            "Unit": "None"
                        }
                    ]
                }
                """)
        #expect(
            try AWSCLIJSON.text(Output(label: "", datapoints: []))
                == "{\n    \"Label\": \"\",\n    \"Datapoints\": []\n}")
    }

    @Test("prints 500 random values byte for byte as Python's json.dumps(indent=4, ensure_ascii=False) does")
    func agreesWithPython() async throws {
        var rng = SplitMix64(seed: 42)
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
            case 0:
                let pieces = [
                    "a", "é", "😀", "\n", "\"", "\\", "\u{01}", "\u{1F}", "\u{7F}", "\t", "/", " ", "\u{2028}",
                ]
                return .string(
                    (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
            case 1:
                let d = [
                    0.1, 2, -0.0, 1e16, 1e15, 1e-5, 0.0001, 123456.789, 1.7976931348623157e308,
                    Double.leastNonzeroMagnitude, 1 / 3.0, -42,
                ]
                .randomElement(using: &rng)!
                return Bool.random(using: &rng)
                    ? .number(d.description) : .number("\(Int64.random(in: -1_000_000...1_000_000, using: &rng))")
            case 2: return [.bool(true), .bool(false), .null].randomElement(using: &rng)!
            case 3: return .string("k\(Int.random(in: 0...99, using: &rng))")
            case 4: return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in value(depth + 1) })
            default:
                return .object(
                    JSONObject((0..<Int.random(in: 0...3, using: &rng)).map { JSONMember("m\($0)é", value(depth + 1)) })
                )
            }
        }
        let values = (0..<500).map { _ in value(0) }
        var input: [UInt8] = []
        var ours: [String] = []
        for v in values {
            var line: [UInt8] = []
            AWSCLIJSON.write(v, indent: 0, into: &line)
            ours.append(String(decoding: line, as: UTF8.self))
            // One document per line for Python: the indented text with its newlines escaped away.
            input += Array((try JSONValue(parsing: line) == v ? compact(v) : "").utf8) + [10]
        }
        let printed = try await Python.run(
            "import sys, json\nfor line in sys.stdin:\n    print(json.dumps(json.loads(line), indent=4, ensure_ascii=False))\n    print('\\x00')",
            input: input)
        let expected = String(decoding: printed, as: UTF8.self).components(separatedBy: "\n\u{0}\n")
        for (k, text) in ours.enumerated() { #expect(text == expected[k]) }
    }

    func compact(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let t): t
        case .string(let s): JSONString.quote(s)
        case .array(let a): "[" + a.map(compact).joined(separator: ",") + "]"
        case .object(let o):
            "{" + o.members.map { JSONString.quote($0.key) + ":" + compact($0.value) }.joined(separator: ",") + "}"
        }
    }
}
