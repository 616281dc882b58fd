import Testing

@testable import VigilPatterns

/// The line prefilter steps aside where nearly every line is a candidate and comes back where few are.
struct LineScannerDensityTests {
    /// The lines `body` was given, per buffer, scanning `buffers` as one stream with a carried density.
    func delivered(_ buffers: [[UInt8]], literal: String) -> [[String]] {
        let prefilter = MultiLiteralSearcher([Array(literal.utf8)])
        var density: LineScanner.Density? = LineScanner.Density()
        return buffers.map { buffer in
            var lines: [String] = []
            buffer.withUnsafeBufferPointer { b in
                LineScanner.forEachCandidateLine(in: b, prefilter: prefilter, density: &density) {
                    lines.append(String(decoding: b[$0], as: UTF8.self))
                }
            }
            return lines
        }
    }

    func lines(_ texts: [String]) -> [UInt8] { Array((texts.joined(separator: "\n") + "\n").utf8) }

    /// The oracle is the input itself: which lines hold the literal (`String.contains`), and the order of
    /// the lines. A suspended prefilter may pass more lines, never fewer, and must come back.
    @Test("a dense stretch suspends the prefilter across buffers; a sparse stretch after it is filtered again")
    func suspendsAndReturns() {
        let dense = (0..<3000).map { "hit \($0)" }
        let sparse = (0..<100_000).map { "miss \($0)" } + ["hit at last"]
        // The dense stretch arrives in small buffers, as a file read in chunks does.
        let texts =
            stride(from: 0, to: dense.count, by: 100).map { Array(dense[$0..<min($0 + 100, dense.count)]) } + [
                sparse
            ]
        let got = delivered(texts.map(lines), literal: "hit")
        for (buffer, out) in zip(texts, got) {
            // Every line holding the literal, and only lines of the buffer, in their order.
            let holding = buffer.filter { $0.contains("hit") }
            #expect(holding.allSatisfy(out.contains), "a line holding the literal was not delivered")
            var rest = out[...]
            for line in buffer where rest.first == line { rest = rest.dropFirst() }
            #expect(rest.isEmpty, "a delivered line is not a line of the buffer, or out of order")
        }
        #expect(got.dropLast().allSatisfy { $0.count == 100 }, "every dense line is delivered")
        // After the dense stretch the prefilter is back: nearly all of the 100,000 "miss" lines are skipped.
        let misses = got.last?.filter { $0.hasPrefix("miss") }.count ?? -1
        #expect(misses >= 0 && misses < 1_000, "\(misses) sparse lines delivered")
        #expect(got.last?.last == "hit at last")
    }

    @Test("without a density, only lines holding a literal are delivered")
    func alwaysFilters() {
        var always: LineScanner.Density? = nil
        let buffer = lines((0..<500).map { $0 % 7 == 0 ? "hit \($0)" : "miss \($0)" })
        var delivered: [String] = []
        buffer.withUnsafeBufferPointer { b in
            LineScanner.forEachCandidateLine(
                in: b, prefilter: MultiLiteralSearcher([Array("hit".utf8)]), density: &always
            ) {
                delivered.append(String(decoding: b[$0], as: UTF8.self))
            }
        }
        #expect(delivered == (0..<500).filter { $0 % 7 == 0 }.map { "hit \($0)" })
    }
}
