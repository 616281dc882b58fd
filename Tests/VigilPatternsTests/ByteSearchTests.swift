import Testing
import VigilBench

@testable import VigilPatterns

/// The byte-level building blocks of matching agree with the obvious byte-by-byte definitions.
struct ByteSearchTests {
    @Test("equal agrees with comparing byte by byte, for every length and every differing position")
    func equalAgreesWithByteByByte() {
        var rng = SplitMix64(seed: 8)
        for count in 0...40 {
            let a = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            a.withUnsafeBufferPointer { pa in
                let base = pa.baseAddress ?? UnsafePointer(bitPattern: 1)!
                #expect(ByteSearch.equal(base, base, count: count))
                for position in 0..<count {
                    var b = a
                    b[position] ^= 1 << UInt8(position % 8)
                    let same = b.withUnsafeBufferPointer { ByteSearch.equal(base, $0.baseAddress!, count: count) }
                    #expect(!same, "length \(count), differing at \(position)")
                }
            }
        }
    }

    @Test("firstIndex of a needle finds the first occurrence, as a naive search does")
    func needleSearchAgreesWithNaive() {
        var rng = SplitMix64(seed: 21)
        for _ in 0..<300 {
            let haystack = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 97...99, using: &rng)
            }
            let needle = (0..<Int.random(in: 1...12, using: &rng)).map { _ in UInt8.random(in: 97...99, using: &rng) }
            let naive =
                haystack.count < needle.count
                ? nil
                : (0...(haystack.count - needle.count)).first {
                    haystack[$0..<($0 + needle.count)].elementsEqual(needle)
                }
            let found = haystack.withUnsafeBufferPointer { h in
                needle.withUnsafeBufferPointer { ByteSearch.firstIndex(of: $0, in: h, from: 0) }
            }
            #expect(found == naive, "\(needle) in \(haystack)")
        }
    }
}

/// Backward byte search agrees with a naive one.
struct ByteSearchBackwardTests {
    @Test("lastIndex finds the last occurrence inside the bounds, as a naive search does")
    func lastIndexAgreesWithNaive() {
        var rng = SplitMix64(seed: 34)
        for _ in 0..<400 {
            let haystack = (0..<Int.random(in: 0...120, using: &rng)).map { _ in UInt8.random(in: 9...11, using: &rng) }
            let before = Int.random(in: 0...haystack.count, using: &rng)
            let notBefore = Int.random(in: 0...before, using: &rng)
            let naive = (notBefore..<before).last { haystack[$0] == 10 }
            let found = haystack.withUnsafeBufferPointer {
                ByteSearch.lastIndex(of: 10, in: $0, before: before, notBefore: notBefore)
            }
            #expect(found == naive, "\(haystack) before \(before) not before \(notBefore)")
        }
    }
}
