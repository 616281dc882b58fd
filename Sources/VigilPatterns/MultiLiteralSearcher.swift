/// Finds the next position where any of a set of literals occurs: the one prefilter mechanism.
///
/// Up to ``directLimit`` literals, and any literal shorter than four bytes, get one SIMD search each
/// (``ByteSearch``, several GB/s). Beyond that, literals of four bytes or more are found in one pass by
/// hashing 4-byte windows of the text into a 64 Ki-bit table and verifying the few candidates. Only
/// every `stride`-th window of the text is hashed: each literal registers `stride` consecutive windows of
/// its own, so every occurrence contains exactly one probed window. The registered windows are chosen
/// among those few other literals share (a prefix common to all literals would make every line a
/// candidate). This keeps 100 filters close to the cost of one.
struct MultiLiteralSearcher: Sendable {
    /// Literals searched one by one with SIMD.
    let short: [[UInt8]]
    /// Literals found by the hashed pass.
    let long: [[UInt8]]
    /// Bit per hash bucket: some registered window hashes there.
    let table: [UInt64]
    /// For each set bucket, the registered windows: long literal and the index of the window's last byte in it.
    let buckets: [Int: [(literal: Int, end: Int)]]
    /// Distance between probed windows of the text.
    let stride: Int
    let minimumLongLength: Int
    let maximumLongLength: Int
    /// Index of each literal in ``literals`` (short ones first, then long ones).
    let indexOf: [[UInt8]: Int]

    /// With at most this many literals every literal is searched directly.
    static let directLimit = 4
    /// The largest stride tried.
    static let maximumStride = 8
    /// ``markOccurrences(in:_:)`` searches each literal directly in texts up to this long…
    static let directTextLength = 1024
    /// …when there are at most this many long literals.
    static let directLiterals = 12

    init(_ literals: [[UInt8]]) {
        var short: [[UInt8]] = []
        var long: [[UInt8]] = []
        var unique: [[UInt8]] = []
        for l in literals where !l.isEmpty && !unique.contains(l) { unique.append(l) }
        for l in unique {
            if l.count >= 4 && unique.count > Self.directLimit { long.append(l) } else { short.append(l) }
        }
        let (stride, spans) = Self.chooseWindows(long)
        var table = [UInt64](repeating: 0, count: 1024)
        var buckets: [Int: [(literal: Int, end: Int)]] = [:]
        for (k, l) in long.enumerated() {
            for end in spans[k] {
                let h = Self.hash(Self.window(l, end))
                table[h >> 6] |= 1 << UInt64(h & 63)
                buckets[h, default: []].append((k, end))
            }
        }
        self.short = short
        self.long = long
        self.table = table
        self.buckets = buckets
        self.stride = stride
        self.minimumLongLength = long.map(\.count).min() ?? 4
        self.maximumLongLength = long.map(\.count).max() ?? 4
        self.indexOf = Dictionary(uniqueKeysWithValues: (short + long).enumerated().map { ($1, $0) })
    }

    static func window(_ l: [UInt8], _ end: Int) -> UInt32 {
        UInt32(l[end - 3]) | UInt32(l[end - 2]) << 8 | UInt32(l[end - 1]) << 16 | UInt32(l[end]) << 24
    }

    /// The largest stride for which every literal has that many consecutive windows that at most a few
    /// other literals share, and those windows (by the index of their last byte) for each literal.
    static func chooseWindows(_ long: [[UInt8]]) -> (Int, [Range<Int>]) {
        let lastOnly = long.map { ($0.count - 1)..<$0.count }
        guard let shortest = long.map(\.count).min() else { return (1, lastOnly) }
        var sharing: [UInt32: Int] = [:]
        for l in long {
            for w in Set((3..<l.count).map { window(l, $0) }) { sharing[w, default: 0] += 1 }
        }
        let bound = max(4, long.count / 8)
        var s = min(maximumStride, shortest - 3)
        while s >= 2 {
            var spans: [Range<Int>] = []
            for l in long {
                // The span of s windows ending latest whose windows are all rarely shared.
                let span = Swift.stride(from: l.count - s, through: 3, by: -1).first { j in
                    (j..<(j + s)).allSatisfy { sharing[window(l, $0), default: 0] <= bound }
                }
                guard let span else { break }
                spans.append(span..<(span + s))
            }
            if spans.count == long.count { return (s, spans) }
            s -= 1
        }
        return (1, lastOnly)
    }

    /// All literals; marks and indexes refer to positions in this list.
    var literals: [[UInt8]] { short + long }

    @inline(__always) static func hash(_ w: UInt32) -> Int { Int((w &* 0x9E37_79B1) >> 16) }

    /// Where the short literals were last found in one buffer, so a forward scan searches each only once.
    struct Cursor {
        var nextShort: [Int]
        init(_ searcher: MultiLiteralSearcher) { nextShort = Array(repeating: -1, count: searcher.short.count) }
    }

    /// Whether any literal occurs in `text`. Allocates nothing (it runs once per event per filter).
    func contains(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for l in short where l.withUnsafeBufferPointer({ ByteSearch.firstIndex(of: $0, in: text, from: 0) != nil }) {
            return true
        }
        var found = false
        forEachLongOccurrence(in: text, from: 0, endLimit: text.count) { _, _ in
            found = true
            return false
        }
        return found
    }

    /// Sets `marks[i]` for every literal `i` that occurs in `text` (one pass for the long literals).
    func markOccurrences(in text: UnsafeBufferPointer<UInt8>, _ marks: inout [Bool]) {
        for (k, l) in short.enumerated() where !marks[k] {
            marks[k] = l.withUnsafeBufferPointer { ByteSearch.firstIndex(of: $0, in: text, from: 0) != nil }
        }
        let offset = short.count
        if long.count <= Self.directLiterals && text.count <= Self.directTextLength {
            // A short event and few literals: one SIMD search each beats setting up the hashed probes
            // (measured with `vigil bench ingest`, where events are searched one at a time).
            for (k, l) in long.enumerated() where !marks[offset + k] {
                marks[offset + k] = l.withUnsafeBufferPointer {
                    ByteSearch.firstIndex(of: $0, in: text, from: 0) != nil
                }
            }
            return
        }
        forEachLongOccurrence(in: text, from: 0, endLimit: text.count) { k, _ in
            marks[offset + k] = true
            return true
        }
    }

    /// The start of the earliest occurrence at or after `from` of any literal, or nil.
    func firstIndex(in text: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var cursor = Cursor(self)
        return firstIndex(in: text, from: from, cursor: &cursor)
    }

    /// Like ``firstIndex(in:from:)``, for calls with increasing `from` over the same buffer.
    func firstIndex(in text: UnsafeBufferPointer<UInt8>, from: Int, cursor: inout Cursor) -> Int? {
        var best = Int.max
        for (k, l) in short.enumerated() {
            if cursor.nextShort[k] < from {
                cursor.nextShort[k] =
                    l.withUnsafeBufferPointer({ ByteSearch.firstIndex(of: $0, in: text, from: from) }) ?? text.count
            }
            if cursor.nextShort[k] < text.count { best = min(best, cursor.nextShort[k]) }
        }
        // A long literal starting before `best` ends before best + maximumLongLength - 1.
        let endLimit = best == Int.max ? text.count : min(text.count, best + maximumLongLength - 1)
        forEachLongOccurrence(in: text, from: from, endLimit: endLimit) { _, start in
            if start < best { best = start }
            // Windows ending at `end` belong to literals starting at or after end - maximumLongLength + 1.
            return true
        } stopAt: { end in
            best != Int.max && end - maximumLongLength + 1 >= best
        }
        return best == Int.max ? nil : best
    }

    /// Calls `body(literal, start)` for occurrences of long literals starting at or after `from` whose probed
    /// window ends before `endLimit`, in order of that end; stops when `body` returns false or `stopAt(end)` holds.
    /// An occurrence of a literal of length L starting at `start` is found at a probed window ending in
    /// [start + L - stride, start + L - 1], so before `endLimit` if it ends before it, and never before
    /// `end - maximumLongLength + 1`.
    @inline(__always)
    func forEachLongOccurrence(
        in text: UnsafeBufferPointer<UInt8>, from: Int, endLimit: Int,
        _ body: (Int, Int) -> Bool, stopAt: (Int) -> Bool = { _ in false }
    ) {
        guard !long.isEmpty, let base = text.baseAddress else { return }
        // The probes form an arithmetic progression with step `stride`; the first is early enough for
        // the shortest literal starting at `from`.
        var end = from + minimumLongLength - stride
        let step = stride
        table.withUnsafeBufferPointer { bits in
            while end < endLimit {
                let window = UnsafeRawPointer(base + end - 3).loadUnaligned(as: UInt32.self)
                let h = Self.hash(window)
                if bits[h >> 6] & (1 << UInt64(h & 63)) != 0 {
                    for (k, last) in buckets[h] ?? [] {
                        let l = long[k]
                        let start = end - last
                        guard start >= from, start + l.count <= text.count,
                            l.withUnsafeBufferPointer({ bytesEqual(text, start, $0) })
                        else { continue }
                        if !body(k, start) { return }
                    }
                    if stopAt(end) { return }
                }
                end += step
            }
        }
    }
}
