/// Walks the lines of a buffer of whole lines, optionally only those containing a prefilter literal.
enum LineScanner {
    /// Calls `body` with the range (without `\r\n`) of every line of `buffer` that may match: every line,
    /// or, with a prefilter, only the lines containing one of its literals; the others are never touched.
    static func forEachCandidateLine(in buffer: UnsafeBufferPointer<UInt8>, prefilter: MultiLiteralSearcher?,
                                     _ body: (Range<Int>) -> Void) {
        let n = buffer.count
        let newline = UInt8(ascii: "\n")
        var cursor = prefilter.map { MultiLiteralSearcher.Cursor($0) }
        var position = 0
        while position < n {
            var start = position
            if let prefilter {
                guard let hit = prefilter.firstIndex(in: buffer, from: position, cursor: &cursor!) else { return }
                start = hit
                while start > position, buffer[start - 1] != newline { start -= 1 }
            }
            let end = ByteSearch.firstIndex(of: newline, in: buffer, from: start) ?? n
            var content = end
            if content > start && buffer[content - 1] == 13 { content -= 1 }
            body(start..<content)
            position = end + 1
        }
    }
}
