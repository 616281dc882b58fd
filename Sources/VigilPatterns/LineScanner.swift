/// Walks the lines of a buffer of whole lines, optionally only those containing a prefilter literal.
enum LineScanner {
    /// After this many prefilter hits in a row on the very next line, the prefilter is not paying for itself…
    static let denseStreak = 32
    /// …so this many lines are passed on without it before it is tried again; each time it is found
    /// dense again, twice as many, up to ``longestSuspension``.
    static let denseLines = 1024
    static let longestSuspension = 1 << 16

    /// Whether a stream's prefilter is paying for itself, carried from one buffer of the stream to the next.
    struct Density {
        var streak = 0
        /// Lines still to pass on without the prefilter.
        var unfiltered = 0
        /// How many lines the next suspension lasts.
        var suspension = LineScanner.denseLines
    }

    /// Calls `body` with the range (without `\r\n`) of every line of `buffer` that may match: every line,
    /// or, with a prefilter, only the lines containing one of its literals; the others are never touched.
    ///
    /// With a `density`, a prefilter that selects nearly every line is suspended for a while, and `body`
    /// may then get lines without any literal: only for callers that check the literals themselves.
    @inline(__always)
    static func forEachCandidateLine(
        in buffer: UnsafeBufferPointer<UInt8>, prefilter: MultiLiteralSearcher?,
        density: inout Density?, _ body: (Range<Int>) -> Void
    ) {
        forEachCandidateLineStart(in: buffer, prefilter: prefilter, density: &density) { start in
            let end = ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: buffer, from: start) ?? buffer.count
            body(content(of: buffer, start, end))
            return end
        }
    }

    /// ``forEachCandidateLine(in:prefilter:density:_:)`` with the prefilter always applied.
    @inline(__always)
    static func forEachCandidateLine(
        in buffer: UnsafeBufferPointer<UInt8>, prefilter: MultiLiteralSearcher?,
        _ body: (Range<Int>) -> Void
    ) {
        var always: Density? = nil
        forEachCandidateLine(in: buffer, prefilter: prefilter, density: &always, body)
    }

    /// The line from `start` to its newline at `end` (or the buffer's end), without a `\r` before it.
    @inline(__always)
    static func content(of buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int> {
        end > start && buffer[end - 1] == 13 ? start..<(end - 1) : start..<end
    }

    /// Calls `body` with where every candidate line of `buffer` starts (chosen as by
    /// ``forEachCandidateLine(in:prefilter:density:_:)``); `body` finds where the line ends and
    /// returns the index of its newline, or `buffer.count` for a last line without one.
    @inline(__always)
    static func forEachCandidateLineStart(
        in buffer: UnsafeBufferPointer<UInt8>, prefilter: MultiLiteralSearcher?,
        density: inout Density?, _ body: (Int) -> Int
    ) {
        let n = buffer.count
        let newline = UInt8(ascii: "\n")
        var cursor = prefilter.map { MultiLiteralSearcher.Cursor($0) }
        var position = 0
        while position < n {
            var start = position
            if let d = density, d.unfiltered > 0 {
                density!.unfiltered -= 1
            } else if let prefilter {
                guard let hit = prefilter.firstIndex(in: buffer, from: position, cursor: &cursor!) else { return }
                start =
                    ByteSearch.lastIndex(of: newline, in: buffer, before: hit, notBefore: position).map { $0 + 1 }
                    ?? position
                if density != nil {
                    if start == position {
                        density!.streak += 1
                        if density!.streak == denseStreak {
                            density!.streak = 0
                            density!.unfiltered = density!.suspension
                            density!.suspension = min(density!.suspension * 2, longestSuspension)
                        }
                    } else {
                        // The prefilter skipped lines: it pays again, and a later suspension starts short.
                        density!.streak = 0
                        density!.suspension = denseLines
                    }
                }
            }
            position = body(start) + 1
        }
    }
}
