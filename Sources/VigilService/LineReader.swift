import SystemPackage

/// Reads a file in large chunks into one reused buffer and hands over runs of whole lines.
///
/// Memory stays flat (one buffer, grown only for a line longer than it) however large the file:
/// `vigil match` and the pattern benchmark read multi-gigabyte files with it. `path` "-" is standard input.
public enum LineReader {
    public static let chunkSize = 256 << 10

    public static func forEachChunk(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
        let fd = path == "-" ? FileDescriptor.standardInput : try FileDescriptor.open(FilePath(path), .readOnly)
        defer { if path != "-" { try? fd.close() } }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let read = try buffer.withUnsafeMutableBytes { raw in
                try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            }
            if read == 0 { break }
            filled += read
            let end =
                buffer.withUnsafeBufferPointer { b -> Int? in
                    var k = filled - 1
                    while k >= filled - read {
                        if b[k] == 10 { return k }
                        k -= 1
                    }
                    return nil
                } ?? buffer[..<(filled - read)].lastIndex(of: 10)
            guard let lastNewline = end else { continue }
            buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0...lastNewline])) }
            let rest = filled - lastNewline - 1
            if rest > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    for k in 0..<rest { b[k] = b[lastNewline + 1 + k] }
                }
            }
            filled = rest
        }
        if filled > 0 { buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0..<filled])) } }
    }
}
