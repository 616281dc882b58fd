import Testing

@testable import VigilPatterns

/// The line prefilter steps aside where nearly every line is a candidate and comes back where few are.
struct LineScannerDensityTests {
    /// Lines `body` was given, per buffer, scanning `buffers` as one stream with a carried density.
    func delivered(_ buffers: [[UInt8]], literal: String) -> [Int] {
        let prefilter = MultiLiteralSearcher([Array(literal.utf8)])
        var density: LineScanner.Density? = LineScanner.Density()
        return buffers.map { buffer in
            var lines = 0
            buffer.withUnsafeBufferPointer { b in
                LineScanner.forEachCandidateLine(in: b, prefilter: prefilter, density: &density) { _ in lines += 1 }
            }
            return lines
        }
    }

    func lines(_ texts: [String]) -> [UInt8] { Array((texts.joined(separator: "\n") + "\n").utf8) }

    @Test("a dense stretch suspends the prefilter across buffers; a sparse stretch after it is filtered again")
    func suspendsAndReturns() {
        let dense = (0..<3000).map { "hit \($0)" }
        let sparse = (0..<100_000).map { "miss \($0)" } + ["hit at last"]
        // The dense stretch arrives in small buffers, as a file read in chunks does.
        let chunks = stride(from: 0, to: dense.count, by: 100).map {
            lines(Array(dense[$0..<min($0 + 100, dense.count)]))
        }
        let counts = delivered(chunks + [lines(sparse)], literal: "hit")
        #expect(Array(counts.dropLast()) == chunks.map { _ in 100 })  // every dense line, filtered or not
        // The dense lines: a streak, a suspension, a streak, a suspension twice as long. The second
        // suspension carries over into the sparse buffer; after it the prefilter skips every "miss" line.
        let suspendedUntil = 2 * LineScanner.denseStreak + 3 * LineScanner.denseLines
        #expect(suspendedUntil > dense.count)
        #expect(counts.last! == suspendedUntil - dense.count + 1)
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
