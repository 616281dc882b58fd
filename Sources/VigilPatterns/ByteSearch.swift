/// Fast substring and byte search over UTF-8 bytes, in pure Swift with SIMD.
///
/// Uses the "first and last byte" filter (compare 16 positions at once against the needle's
/// first and last byte, verify only candidates), which keeps literal terms above 1 GB/s.
public enum ByteSearch {
    /// Whether `needle` occurs in `haystack`.
    @inlinable
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        needle.withUnsafeBufferPointer { firstIndex(of: $0, in: haystack, from: 0) != nil }
    }

    /// The index of the first set lane of a comparison result that has one (no loop, no reduction call).
    @inlinable @inline(__always)
    public static func firstLane(_ mask: SIMDMask<SIMD16<Int8>>) -> Int {
        let bytes = words(mask)
        return bytes[0] != 0 ? bytes[0].trailingZeroBitCount >> 3 : 8 + bytes[1].trailingZeroBitCount >> 3
    }

    /// Whether a comparison result has a set lane. The standard `any` is a generic reduction that
    /// LLVM turns into `pmovmskb` only when it gets inlined; where it was not, it cost a call per test.
    @inlinable @inline(__always)
    public static func hasLane(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let bytes = words(mask)
        return bytes[0] | bytes[1] != 0
    }

    /// A comparison result as two words, one byte (0 or 255) per lane.
    @inlinable @inline(__always)
    static func words(_ mask: SIMDMask<SIMD16<Int8>>) -> SIMD2<UInt64> {
        unsafeBitCast(SIMD16<UInt8>(repeating: 0).replacing(with: 255, where: mask), to: SIMD2<UInt64>.self)
    }

    /// Whether the `count` bytes at `a` and `b` are equal, compared a word at a time: two
    /// overlapping loads cover any length from 4 to 16 (keys and values are mostly that short).
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
        let x = UnsafeRawPointer(a)
        let y = UnsafeRawPointer(b)
        if count >= 8 {
            var k = 0
            while k + 8 < count {
                if x.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                    != y.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                {
                    return false
                }
                k += 8
            }
            return x.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == y.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                    == y.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        if count == 0 { return true }
        return a[0] == b[0] && a[count >> 1] == b[count >> 1] && a[count - 1] == b[count - 1]
    }

    /// The first index at or after `from` where `byte` occurs.
    @inlinable
    public static func firstIndex(of byte: UInt8, in haystack: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = haystack.baseAddress else { return nil }
        let count = haystack.count
        var i = from
        let splat = SIMD16<UInt8>(repeating: byte)
        // 64 bytes per test (lines of JSON events run to a kilobyte); a hit is then found in the four
        // blocks already compared, without reading them again.
        while i + 64 <= count {
            let raw = UnsafeRawPointer(base + i)
            let a = raw.loadUnaligned(as: SIMD16<UInt8>.self) .== splat
            let b = raw.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self) .== splat
            let c = raw.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self) .== splat
            let d = raw.loadUnaligned(fromByteOffset: 48, as: SIMD16<UInt8>.self) .== splat
            if hasLane(a .| b .| c .| d) {
                if hasLane(a) { return i + firstLane(a) }
                if hasLane(b) { return i + 16 + firstLane(b) }
                if hasLane(c) { return i + 32 + firstLane(c) }
                return i + 48 + firstLane(d)
            }
            i += 64
        }
        while i + 16 <= count {
            let block = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let hits = block .== splat
            if hasLane(hits) { return i + firstLane(hits) }
            i += 16
        }
        while i < count {
            if base[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// The last index before `before` and at or after `notBefore` where `byte` occurs.
    @inlinable
    public static func lastIndex(of byte: UInt8, in haystack: UnsafeBufferPointer<UInt8>, before: Int, notBefore: Int)
        -> Int?
    {
        guard let base = haystack.baseAddress else { return nil }
        let splat = SIMD16<UInt8>(repeating: byte)
        var i = before
        while i - 16 >= notBefore {
            let hits = UnsafeRawPointer(base + i - 16).loadUnaligned(as: SIMD16<UInt8>.self) .== splat
            if hasLane(hits) {
                let w = words(hits)
                return i - 16 + (w[1] != 0 ? 15 - w[1].leadingZeroBitCount >> 3 : 7 - w[0].leadingZeroBitCount >> 3)
            }
            i -= 16
        }
        while i > notBefore {
            i -= 1
            if base[i] == byte { return i }
        }
        return nil
    }

    /// The first index at or after `from` where `needle` starts in `haystack`.
    @inlinable
    public static func firstIndex(
        of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int
    ) -> Int? {
        let n = needle.count
        let count = haystack.count
        if n == 0 { return from <= count ? from : nil }
        if n == 1 { return firstIndex(of: needle[0], in: haystack, from: from) }
        guard let base = haystack.baseAddress, let nb = needle.baseAddress, count - from >= n else { return nil }
        let first = SIMD16<UInt8>(repeating: nb[0])
        let last = SIMD16<UInt8>(repeating: nb[n - 1])
        var i = from
        /// Candidate starts at..<at+16: first and last byte both match.
        @inline(__always) func candidates(_ at: Int) -> SIMDMask<SIMD16<Int8>> {
            (UnsafeRawPointer(base + at).loadUnaligned(as: SIMD16<UInt8>.self) .== first)
                .& (UnsafeRawPointer(base + at + n - 1).loadUnaligned(as: SIMD16<UInt8>.self) .== last)
        }
        /// The first candidate of `hits` (starts at..<at+16) where the whole needle occurs.
        @inline(__always) func verified(_ hits: SIMDMask<SIMD16<Int8>>, _ at: Int) -> Int? {
            let w = words(hits)
            var bits = w[0]
            var half = 0
            while true {
                while bits != 0 {
                    let lane = bits.trailingZeroBitCount >> 3
                    if equal(base + at + half + lane, nb, count: n) { return at + half + lane }
                    bits &= ~(0xFF << UInt64(lane << 3))
                }
                guard half == 0 else { return nil }
                bits = w[1]
                half = 8
            }
        }
        // 64 candidate starts per test while the last-byte loads stay inside (most blocks hold none).
        while i + n - 1 + 64 <= count {
            let a = candidates(i)
            let b = candidates(i + 16)
            let c = candidates(i + 32)
            let d = candidates(i + 48)
            if hasLane(a .| b .| c .| d) {
                if let k = verified(a, i) ?? verified(b, i + 16) ?? verified(c, i + 32) ?? verified(d, i + 48) {
                    return k
                }
            }
            i += 64
        }
        // Each block checks candidate starts i..<i+16; the last-byte load ends at i+n-1+16.
        while i + n - 1 + 16 <= count {
            let hits = candidates(i)
            if hasLane(hits), let k = verified(hits, i) { return k }
            i += 16
        }
        while i + n <= count {
            if base[i] == nb[0] && base[i + n - 1] == nb[n - 1] && equal(base + i, nb, count: n) { return i }
            i += 1
        }
        return nil
    }
}
