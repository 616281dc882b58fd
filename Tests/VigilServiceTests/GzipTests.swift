import Foundation
import Testing
import VigilTestSupport

@testable import VigilService

/// gzip/DEFLATE decoding, checked against the system's `gzip` (and Python's zlib for stored blocks).
struct GzipTests {
    /// Compresses `data` with an external command reading stdin.
    static func compress(_ data: [UInt8], _ command: [String]) async throws -> [UInt8] {
        try await ExternalFilter.run(command, input: data)
    }

    /// Deterministic test data: text with repeats (dynamic Huffman) or noise (stored blocks).
    static func sample(seed: UInt64, size: Int, noisy: Bool) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            return z ^ (z >> 27)
        }
        if noisy { return (0..<size).map { _ in UInt8(truncatingIfNeeded: next()) } }
        let words = [
            "eventName", "ConsoleLogin", "\"userIdentity\":{", "arn:aws:iam::123456789012:user/", "AccessDenied", " ",
            ",", "\n", "sourceIPAddress",
        ]
        var out: [UInt8] = []
        while out.count < size {
            if next() % 5 == 0, out.count > 300 {  // a long back-reference
                let start = Int(next() % UInt64(out.count - 258))
                let piece = Array(out[start..<start + Int(next() % 258) + 3])  // copied first: no copy of `out`
                out += piece
            } else {
                out += Array(words[Int(next() % UInt64(words.count))].utf8)
            }
        }
        return Array(out.prefix(size))
    }

    @Test("decodes what gzip -1 and -9 produce", arguments: [1, 9])
    func gzipLevels(level: Int) async throws {
        for (seed, size, noisy) in [
            (1, 0, false), (2, 1, false), (3, 100, false), (4, 300_000, false), (5, 70_000, true),
            (6, 1_000_003, false),
        ] {
            let data = Self.sample(seed: UInt64(seed), size: size, noisy: noisy)
            let compressed = try await Self.compress(data, ["gzip", "-\(level)", "-c", "-n"])
            #expect(try Gzip.decompress(compressed) == data, "seed \(seed), \(size) bytes")
        }
    }

    @Test("decodes stored blocks, fixed Huffman codes and a member with a file name")
    func blockKinds() async throws {
        let data = Self.sample(seed: 7, size: 150_000, noisy: false)
        let script =
            "import sys, zlib; d = sys.stdin.buffer.read(); c = zlib.compressobj(LEVEL, zlib.DEFLATED, 31); sys.stdout.buffer.write(c.compress(d) + c.flush())"
        for level in [0, 6] {
            let compressed = try await Self.compress(
                data, ["python3", "-c", script.replacingOccurrences(of: "LEVEL", with: "\(level)")])
            #expect(try Gzip.decompress(compressed) == data, "zlib level \(level)")
        }
        let fixed = try await Self.compress(
            Array("abcabcabc".utf8),
            [
                "python3", "-c",
                "import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, 31, 9, zlib.Z_FIXED); sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())",
            ])
        #expect(try Gzip.decompress(fixed) == Array("abcabcabc".utf8))
        let named = try await Self.compress(
            Array("named".utf8),
            ["python3", "-c", "import sys, gzip; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read()))"])
        #expect(try Gzip.decompress(named) == Array("named".utf8))
    }

    @Test("concatenated members decode to the concatenation")
    func members() async throws {
        let a = Self.sample(seed: 8, size: 5_000, noisy: false)
        let b = Self.sample(seed: 9, size: 7_000, noisy: false)
        let both =
            try await Self.compress(a, ["gzip", "-c", "-n"]) + (try await Self.compress(b, ["gzip", "-c", "-n"]))
        #expect(try Gzip.decompress(both) == a + b)
    }

    @Test("corrupt, truncated and foreign data fail with a message saying what is wrong")
    func corrupt() async throws {
        let data = Self.sample(seed: 10, size: 20_000, noisy: false)
        let good = try await Self.compress(data, ["gzip", "-c", "-n"])
        var badCRC = good
        badCRC[badCRC.count - 8] ^= 1
        for (input, message) in [
            (badCRC, "CRC-32 mismatch"), (Array(good.prefix(good.count / 2)), "unexpected end of compressed data"),
            (Array("{\"Records\":[]}".utf8), "bad magic number"),
        ] {
            let error = #expect(throws: Gzip.DecodeError.self) { try Gzip.decompress(input) }
            #expect(error?.description.contains(message) == true, "\(error?.description ?? "no error")")
        }
        // Flipping bytes inside the compressed body must never trap: it fails or (rarely) still passes the CRC.
        for k in stride(from: 12, to: good.count - 8, by: 97) {
            var flipped = good
            flipped[k] ^= 0x55
            _ = try? Gzip.decompress(flipped)
        }
    }

    @Test("output is capped: a small bomb cannot exhaust memory")
    func bomb() async throws {
        let zeros = try await Self.compress([UInt8](repeating: 0, count: 2_000_000), ["gzip", "-9", "-c", "-n"])
        let error = #expect(throws: Gzip.DecodeError.self) { try Gzip.decompress(zeros, maximumSize: 1_000_000) }
        #expect(error?.description.contains("larger than 1000000 bytes") == true)
    }

    @Test("a bomb is refused at the default cap, 256 MiB, with a message saying so")
    func defaultCap() async throws {
        // 300 MiB of zeros in about 300 kB, written by zlib itself.
        let bomb = try await Self.compress(
            [],
            [
                "python3", "-c",
                "import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, 31); z = bytes(1 << 20); sys.stdout.buffer.write(b''.join(c.compress(z) for _ in range(300)) + c.flush())",
            ])
        #expect(bomb.count < 1 << 20)
        let error = #expect(throws: Gzip.DecodeError.self) { try Gzip.decompress(bomb) }
        #expect(error?.description.contains("more than \(Gzip.defaultMaximumSize) bytes") == true)
    }

    @Test("20 MB of text full of back-references decode whole (the old decoder copied its output per reference)")
    func large() async throws {
        let data = Self.sample(seed: 11, size: 20_000_000, noisy: false)
        let compressed = try await Self.compress(data, ["gzip", "-6", "-c", "-n"])
        #expect(try Gzip.decompress(compressed) == data)
    }
}
