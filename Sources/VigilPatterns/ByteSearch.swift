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
        let bytes = unsafeBitCast(SIMD16<UInt8>(repeating: 0).replacing(with: 255, where: mask), to: SIMD2<UInt64>.self)
        return bytes[0] != 0 ? bytes[0].trailingZeroBitCount >> 3 : 8 + bytes[1].trailingZeroBitCount >> 3
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
            if any(a .| b .| c .| d) {
                if any(a) { return i + firstLane(a) }
                if any(b) { return i + 16 + firstLane(b) }
                if any(c) { return i + 32 + firstLane(c) }
                return i + 48 + firstLane(d)
            }
            i += 64
        }
        while i + 16 <= count {
            let block = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let hits = block .== splat
            if any(hits) { return i + firstLane(hits) }
            i += 16
        }
        while i < count {
            if base[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// The first index at or after `from` where `needle` starts in `haystack`.
    @inlinable
    public static func firstIndex(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let n = needle.count
        let count = haystack.count
        if n == 0 { return from <= count ? from : nil }
        if n == 1 { return firstIndex(of: needle[0], in: haystack, from: from) }
        guard let base = haystack.baseAddress, let nb = needle.baseAddress, count - from >= n else { return nil }
        let first = SIMD16<UInt8>(repeating: nb[0])
        let last = SIMD16<UInt8>(repeating: nb[n - 1])
        var i = from
        // Each block checks candidate starts i..<i+16; the last-byte load ends at i+n-1+16.
        while i + n - 1 + 16 <= count {
            let a = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let b = UnsafeRawPointer(base + i + n - 1).loadUnaligned(as: SIMD16<UInt8>.self)
            let hits = (a .== first) .& (b .== last)
            if any(hits) {
                for j in 0..<16 where hits[j] {
                    if verify(base + i + j, nb, n) { return i + j }
                }
            }
            i += 16
        }
        while i + n <= count {
            if base[i] == nb[0] && base[i + n - 1] == nb[n - 1] && verify(base + i, nb, n) { return i }
            i += 1
        }
        return nil
    }

    @inlinable
    static func verify(_ at: UnsafePointer<UInt8>, _ needle: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var k = 1
        while k < n - 1 {
            if at[k] != needle[k] { return false }
            k += 1
        }
        return true
    }
}
