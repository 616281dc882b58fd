/// Runs a line predicate over a buffer of whole lines, skipping lines that lack every required literal.
enum LineScanner {
    static func forEachMatchingLine(in buffer: UnsafeBufferPointer<UInt8>, literals: [[UInt8]]?,
                                    _ body: (Range<Int>) -> Void,
                                    matches: (UnsafeBufferPointer<UInt8>) -> Bool) {
        let n = buffer.count
        let newline = UInt8(ascii: "\n")
        guard let literals else {
            var start = 0
            while start < n {
                let end = ByteSearch.firstIndex(of: newline, in: buffer, from: start) ?? n
                var content = end
                if content > start && buffer[content - 1] == 13 { content -= 1 }
                if matches(UnsafeBufferPointer(rebasing: buffer[start..<content])) { body(start..<content) }
                start = end + 1
            }
            return
        }
        // Next occurrence of each literal, searched lazily; the earliest decides the next candidate line.
        var nextHit = [Int](repeating: -1, count: literals.count)
        var position = 0
        while position < n {
            var candidate = n
            for k in 0..<literals.count {
                if nextHit[k] < position {
                    nextHit[k] = literals[k].withUnsafeBufferPointer { ByteSearch.firstIndex(of: $0, in: buffer, from: position) } ?? n
                }
                candidate = min(candidate, nextHit[k])
            }
            guard candidate < n else { return }
            var start = candidate
            while start > position, buffer[start - 1] != newline { start -= 1 }
            let end = ByteSearch.firstIndex(of: newline, in: buffer, from: candidate) ?? n
            var content = end
            if content > start && buffer[content - 1] == 13 { content -= 1 }
            if matches(UnsafeBufferPointer(rebasing: buffer[start..<content])) { body(start..<content) }
            position = end + 1
        }
    }
}
