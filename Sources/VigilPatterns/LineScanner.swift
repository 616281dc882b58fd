/// Walks the lines of a buffer of whole lines, optionally only those containing a prefilter literal.
enum LineScanner {
    /// After this many prefilter hits in a row on the very next line, the prefilter is not paying for itself…
    static let denseStreak = 32
    /// …so this many lines are passed on without it before it is tried again.
    static let denseLines = 1024

    /// Calls `body` with the range (without `\r\n`) of every line of `buffer` that may match: every line,
    /// or, with a prefilter, only the lines containing one of its literals; the others are never touched.
    ///
    /// With `adaptive`, a prefilter that selects nearly every line is suspended for a while, and `body`
    /// may then get lines without any literal: only for callers that check the literals themselves.
    @inline(__always)
    static func forEachCandidateLine(in buffer: UnsafeBufferPointer<UInt8>, prefilter: MultiLiteralSearcher?,
                                     adaptive: Bool = false, _ body: (Range<Int>) -> Void) {
        forEachCandidateLineStart(in: buffer, prefilter: prefilter, adaptive: adaptive) { start in
            let end = ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: buffer, from: start) ?? buffer.count
            body(content(of: buffer, start, end))
            return end
        }
    }

    /// The line from `start` to its newline at `end` (or the buffer's end), without a `\r` before it.
    @inline(__always)
    static func content(of buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int> {
        end > start && buffer[end - 1] == 13 ? start..<(end - 1) : start..<end
    }

    /// Calls `body` with where every candidate line of `buffer` starts (chosen as by
    /// ``forEachCandidateLine(in:prefilter:adaptive:_:)``); `body` finds where the line ends and
    /// returns the index of its newline, or `buffer.count` for a last line without one.
    @inline(__always)
    static func forEachCandidateLineStart(in buffer: UnsafeBufferPointer<UInt8>, prefilter: MultiLiteralSearcher?,
                                          adaptive: Bool = false, _ body: (Int) -> Int) {
        let n = buffer.count
        let newline = UInt8(ascii: "\n")
        var cursor = prefilter.map { MultiLiteralSearcher.Cursor($0) }
        var position = 0
        var streak = 0, unfiltered = 0
        while position < n {
            var start = position
            if unfiltered > 0 {
                unfiltered -= 1
            } else if let prefilter {
                guard let hit = prefilter.firstIndex(in: buffer, from: position, cursor: &cursor!) else { return }
                start = hit
                while start > position, buffer[start - 1] != newline { start -= 1 }
                if adaptive {
                    streak = start == position ? streak + 1 : 0
                    if streak == denseStreak { streak = 0; unfiltered = denseLines }
                }
            }
            position = body(start) + 1
        }
    }
}
