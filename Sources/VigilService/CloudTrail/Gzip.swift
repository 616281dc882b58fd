/// Decompresses gzip data (RFC 1952): one or more members, each checked against its CRC-32 and length.
///
/// CloudTrail delivers its log files as `.json.gz`; this is all the gzip Vigil needs, in pure Swift
/// on top of ``Inflater`` (no zlib dependency).
public enum Gzip {
    /// Why gzip data could not be decompressed; the description says what and where.
    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Whether `bytes` start with the gzip magic number.
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b }

    /// The decompressed bytes of every member of `bytes`, concatenated; at most `maximumSize` bytes.
    public static func decompress(_ bytes: [UInt8], maximumSize: Int = 1 << 30) throws(DecodeError) -> [UInt8] {
        var result: Result<[UInt8], DecodeError> = .success([])
        bytes.withUnsafeBufferPointer { p in
            result = Result { () throws(DecodeError) in try decompress(p, maximumSize: maximumSize) }
        }
        return try result.get()
    }

    static func decompress(_ p: UnsafeBufferPointer<UInt8>, maximumSize: Int) throws(DecodeError) -> [UInt8] {
        var out: [UInt8] = []
        var at = 0
        var member = 0
        repeat {
            member += 1
            func fail(_ what: String) -> DecodeError {
                DecodeError(description: "gzip member \(member) at byte \(at): \(what)")
            }
            guard p.count - at >= 2, p[at] == 0x1f, p[at + 1] == 0x8b else {
                throw fail("not gzip data (bad magic number)")
            }
            guard p.count - at >= 18 else { throw fail("truncated header") }
            guard p[at + 2] == 8 else { throw fail("unknown compression method \(p[at + 2])") }
            let flags = p[at + 3]
            guard flags & 0xE0 == 0 else { throw fail("reserved header flags set") }
            var i = at + 10
            if flags & 4 != 0 {  // FEXTRA
                guard i + 2 <= p.count else { throw fail("truncated header") }
                i += 2 + (Int(p[i]) | Int(p[i + 1]) << 8)
            }
            for flag in [UInt8(8), 16] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
                while i < p.count && p[i] != 0 { i += 1 }
                i += 1
            }
            if flags & 2 != 0 { i += 2 }  // FHCRC
            guard i < p.count else { throw fail("truncated header") }
            var inflater = Inflater(p, from: i, maximumOutput: maximumSize - out.count)
            do { try inflater.inflate() } catch { throw fail(error.description) }
            let end = inflater.endOffset
            guard end + 8 <= p.count else { throw fail("truncated trailer (no CRC-32 and length)") }
            let crc = UInt32(p[end]) | UInt32(p[end + 1]) << 8 | UInt32(p[end + 2]) << 16 | UInt32(p[end + 3]) << 24
            let size =
                UInt32(p[end + 4]) | UInt32(p[end + 5]) << 8 | UInt32(p[end + 6]) << 16 | UInt32(p[end + 7]) << 24
            guard CRC32.checksum(inflater.output) == crc else { throw fail("CRC-32 mismatch: the data is corrupt") }
            guard UInt32(truncatingIfNeeded: inflater.output.count) == size else {
                throw fail("length mismatch: the data is corrupt")
            }
            out.append(contentsOf: inflater.output)
            at = end + 8
            // Zero padding after the last member (some writers add it) ends the data.
            while at < p.count && p[at] == 0 { at += 1 }
        } while at < p.count
        return out
    }
}

/// The CRC-32 of gzip and zip (reflected polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        table.withUnsafeBufferPointer { t in
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
            return c ^ 0xFFFF_FFFF
        }
    }
}
