internal import CZlib

/// Decompresses gzip data (RFC 1952) with zlib, the format's reference implementation: one or more
/// members, each checked by zlib against its CRC-32 and length, the output capped.
///
/// CloudTrail delivers its log files as `.json.gz`. The cap refuses a gzip bomb (a small file that
/// inflates to gigabytes) with a clear message before it can take the memory.
/// https://www.zlib.net/manual.html
public enum Gzip {
    /// Why gzip data could not be decompressed; the description says what and where.
    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// What a file may inflate to by default: far beyond any CloudTrail log file (they are delivered
    /// every few minutes), and bounded so that a bomb cannot take the machine's memory.
    public static let defaultMaximumSize = 256 << 20

    /// Whether `bytes` start with the gzip magic number.
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b }

    /// The decompressed bytes of every member of `bytes`, concatenated; at most `maximumSize` bytes.
    public static func decompress(_ bytes: [UInt8], maximumSize: Int = defaultMaximumSize) throws(DecodeError)
        -> [UInt8]
    {
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
            let start = at
            func fail(_ what: String) -> DecodeError {
                DecodeError(description: "gzip member \(member) at byte \(start): \(what)")
            }
            guard p.count - at >= 2, p[at] == 0x1f, p[at + 1] == 0x8b else {
                throw fail("not gzip data (bad magic number)")
            }
            at = try inflateMember(p, from: at, into: &out, maximumSize: maximumSize, fail)
            // Zero padding after the last member (some writers add it) ends the data.
            while at < p.count && p[at] == 0 { at += 1 }
        } while at < p.count
        return out
    }

    /// Inflates the member starting at `from` onto `out`; returns the offset just after it.
    static func inflateMember(
        _ p: UnsafeBufferPointer<UInt8>, from: Int, into out: inout [UInt8], maximumSize: Int,
        _ fail: (String) -> DecodeError
    ) throws(DecodeError) -> Int {
        guard let base = p.baseAddress else { throw fail("no data") }
        var stream = z_stream()
        guard vigil_inflate_init_gzip(&stream) == Z_OK else { throw fail("zlib could not start") }
        defer { inflateEnd(&stream) }
        // zlib's counts are 32-bit: feed the input in slices.
        var consumed = from
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let available = min(p.count - consumed, Int(UInt32.max))
            stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
            stream.avail_in = UInt32(available)
            let before = Int(stream.total_in)
            let code = buffer.withUnsafeMutableBufferPointer { b -> Int32 in
                stream.next_out = b.baseAddress
                stream.avail_out = UInt32(b.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            let produced = chunk - Int(stream.avail_out)
            consumed += Int(stream.total_in) - before
            guard out.count + produced <= maximumSize else {
                throw fail(
                    "it inflates to more than \(maximumSize) bytes (larger than \(maximumSize) bytes): refused as a gzip bomb"
                )
            }
            out.append(contentsOf: buffer[0..<produced])
            switch code {
            case Z_STREAM_END: return consumed
            case Z_OK:
                // zlib promises progress on Z_OK; should none come, the input ended inside the member.
                if produced > 0 || Int(stream.total_in) > before { continue }
                throw fail("unexpected end of compressed data (the file is truncated)")
            case Z_BUF_ERROR:
                // No progress: either the output was full (loop again) or the input ended inside the member.
                if produced > 0 { continue }
                throw fail("unexpected end of compressed data (the file is truncated)")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(code)"
                switch message {
                case "incorrect data check": throw fail("CRC-32 mismatch: the data is corrupt")
                case "incorrect length check": throw fail("length mismatch: the data is corrupt")
                default: throw fail("\(message) (the data is corrupt)")
                }
            }
        }
    }
}
