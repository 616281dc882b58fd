import Testing
import VigilBench
import VigilPatterns

/// Buffer-level matching (what `vigil match` uses) agrees with matching line by line.
struct LineScanningTests {
    @Test(
        "forEachMatchingLine finds the same lines as matches(_:)",
        arguments: [
            "ERROR", "?ERROR ?WARN", "ERROR -WARN", "{ $.level = error }", "{ $.n > 3 }", "[a, b = x*]", "%^W%", "",
            "[w, ..., last = ERROR]", "[w1 = WARN, ...]", "[..., n > 100 || n = only]", "[a, b]",
        ])
    func agreesWithPerLine(pattern: String) throws {
        var rng = SplitMix64(seed: 99)
        let lines = (0..<500).map { i -> String in
            switch Int.random(in: 0..<10, using: &rng) {
            case 6: return "{\"level\":\"error\",\"n\":\(i % 7)} trailing"
            case 7: return i % 2 == 0 ? "{\"level\":" : "\"error\",\"n\":4}"  // one event split over two lines
            case 8: return "  {\"level\" : \"error\", \"n\": \(i % 9) }  \r"
            case 9: return "{\"level\":\"error\",\"n\":\"\(i)"
            case 0: return "ERROR \(i)"
            case 1: return "WARN \(i) ERROR"
            case 2: return "{\"level\":\"error\",\"n\":\(i % 7)}"
            case 3: return "{\"level\":\"info\",\"n\":\(i % 5)}"
            case 4: return "a x\(i)"
            default: return "WARN only"
            }
        }
        let compiled = try FilterPattern(pattern)
        let expected = lines.filter { compiled.matches($0) }.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        let buffer = Array(lines.joined(separator: "\n").utf8)  // the last line without its newline
        var found: [String] = []
        buffer.withUnsafeBufferPointer { b in
            compiled.forEachMatchingLine(in: b) { range in found.append(String(decoding: b[range], as: UTF8.self)) }
        }
        #expect(found == expected)
        #expect(!expected.isEmpty && expected.count < lines.count || pattern.isEmpty)
    }
}
