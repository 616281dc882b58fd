/// Finds the next position where any of a set of literals occurs: the one prefilter mechanism.
///
/// Up to ``directLimit`` literals, and any literal shorter than four bytes, get one SIMD search each
/// (``ByteSearch``, several GB/s). Beyond that, literals of four bytes or more are found in one pass by
/// hashing every 4-byte window of the text into a 64 Ki-bit table built from each literal's last four
/// bytes and verifying the few candidates. This keeps 100 filters close to the cost of one.
struct MultiLiteralSearcher: Sendable {
    /// Literals searched one by one with SIMD.
    let short: [[UInt8]]
    /// Literals found by the hashed pass.
    let long: [[UInt8]]
    /// Bit per hash bucket: some long literal ends with a window hashing there.
    let table: [UInt64]
    /// For each bucket, the long literals ending in it (only for buckets that are set).
    let buckets: [Int: [Int]]
    let minimumLongLength: Int
    let maximumLongLength: Int
    /// Index of each literal in ``literals`` (short ones first, then long ones).
    let indexOf: [[UInt8]: Int]

    /// With at most this many literals every literal is searched directly.
    static let directLimit = 4

    init(_ literals: [[UInt8]]) {
        var short: [[UInt8]] = [], long: [[UInt8]] = []
        var unique: [[UInt8]] = []
        for l in literals where !l.isEmpty && !unique.contains(l) { unique.append(l) }
        for l in unique {
            if l.count >= 4 && unique.count > Self.directLimit { long.append(l) } else { short.append(l) }
        }
        var table = [UInt64](repeating: 0, count: 1024)
        var buckets: [Int: [Int]] = [:]
        for (k, l) in long.enumerated() {
            let n = l.count
            let window = UInt32(l[n - 4]) | UInt32(l[n - 3]) << 8 | UInt32(l[n - 2]) << 16 | UInt32(l[n - 1]) << 24
            let h = Self.hash(window)
            table[h >> 6] |= 1 << UInt64(h & 63)
            buckets[h, default: []].append(k)
        }
        self.short = short
        self.long = long
        self.table = table
        self.buckets = buckets
        self.minimumLongLength = long.map(\.count).min() ?? 4
        self.maximumLongLength = long.map(\.count).max() ?? 4
        self.indexOf = Dictionary(uniqueKeysWithValues: (short + long).enumerated().map { ($1, $0) })
    }

    /// All literals; marks and indexes refer to positions in this list.
    var literals: [[UInt8]] { short + long }

    @inline(__always) static func hash(_ w: UInt32) -> Int { Int((w &* 0x9E37_79B1) >> 16) }

    /// Where the short literals were last found in one buffer, so a forward scan searches each only once.
    struct Cursor {
        var nextShort: [Int]
        init(_ searcher: MultiLiteralSearcher) { nextShort = Array(repeating: -1, count: searcher.short.count) }
    }

    /// Whether any literal occurs in `text`.
    func contains(_ text: UnsafeBufferPointer<UInt8>) -> Bool { firstIndex(in: text, from: 0) != nil }

    /// Sets `marks[i]` for every literal `i` that occurs in `text` (one pass for the long literals).
    func markOccurrences(in text: UnsafeBufferPointer<UInt8>, _ marks: inout [Bool]) {
        for (k, l) in short.enumerated() where !marks[k] {
            marks[k] = l.withUnsafeBufferPointer { ByteSearch.firstIndex(of: $0, in: text, from: 0) != nil }
        }
        let offset = short.count
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
                cursor.nextShort[k] = l.withUnsafeBufferPointer({ ByteSearch.firstIndex(of: $0, in: text, from: from) }) ?? text.count
            }
            if cursor.nextShort[k] < text.count { best = min(best, cursor.nextShort[k]) }
        }
        // A long literal starting before `best` ends before best + maximumLongLength - 1.
        let endLimit = best == Int.max ? text.count : min(text.count, best + maximumLongLength - 1)
        forEachLongOccurrence(in: text, from: from, endLimit: endLimit) { _, start in
            if start < best { best = start }
            // Windows ending at `end` belong to literals starting at or after end - maximumLongLength + 1.
            return true
        } stopAt: { end in best != Int.max && end - maximumLongLength + 1 >= best }
        return best == Int.max ? nil : best
    }

    /// Calls `body(literal, start)` for occurrences of long literals starting at or after `from` whose last
    /// byte is before `endLimit`, in order of their end; stops when `body` returns false or `stopAt(end)` holds.
    @inline(__always)
    func forEachLongOccurrence(in text: UnsafeBufferPointer<UInt8>, from: Int, endLimit: Int,
                               _ body: (Int, Int) -> Bool, stopAt: (Int) -> Bool = { _ in false }) {
        guard !long.isEmpty, let base = text.baseAddress else { return }
        // `end` is the index of the last byte of a 4-byte window; a literal of length L ending there starts at end-L+1.
        var end = from + minimumLongLength - 1
        table.withUnsafeBufferPointer { bits in
            while end < endLimit {
                let window = UnsafeRawPointer(base + end - 3).loadUnaligned(as: UInt32.self)
                let h = Self.hash(window)
                if bits[h >> 6] & (1 << UInt64(h & 63)) != 0 {
                    for k in buckets[h] ?? [] {
                        let l = long[k]
                        let start = end - l.count + 1
                        guard start >= from, l.withUnsafeBufferPointer({ bytesEqual(text, start, $0) }) else { continue }
                        if !body(k, start) { return }
                    }
                    if stopAt(end) { return }
                }
                end += 1
            }
        }
    }
}
