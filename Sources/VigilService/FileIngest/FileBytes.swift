import SystemPackage

/// Where the bytes of a file being ingested come from: an open file read at explicit offsets (so a
/// rotated file can be read on under its new name), standard input read in order, or the inflated
/// bytes of a rotated file found already compressed.
enum FileBytes {
    case file(FileDescriptor)
    case stream(FileDescriptor)
    case memory([UInt8])

    /// Reads up to `buffer.count` bytes at `offset` (standard input: the next ones); 0 at the end.
    func read(at offset: Int64, into buffer: inout [UInt8]) throws(Errno) -> Int {
        switch self {
        case .file(let fd):
            do {
                return try buffer.withUnsafeMutableBytes { try fd.read(fromAbsoluteOffset: offset, into: $0) }
            } catch let error as Errno { throw error } catch { throw .ioError }
        case .stream(let fd):
            do {
                return try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            } catch let error as Errno { throw error } catch { throw .ioError }
        case .memory(let bytes):
            guard offset >= 0, offset < Int64(bytes.count) else { return 0 }
            let start = Int(offset)
            let n = min(buffer.count, bytes.count - start)
            buffer.replaceSubrange(0..<n, with: bytes[start..<start + n])
            return n
        }
    }

    /// The current size; nil for standard input.
    func size() throws(Errno) -> Int64? {
        switch self {
        case .file(let fd): return try fd.stat().size
        case .stream: return nil
        case .memory(let bytes): return Int64(bytes.count)
        }
    }

    /// The first `count` bytes (fewer when the file is shorter); empty for standard input.
    func prefix(_ count: Int) throws(Errno) -> [UInt8] {
        if case .stream = self { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            var rest = [UInt8](repeating: 0, count: count - filled)
            let n = try read(at: Int64(filled), into: &rest)
            if n == 0 { break }
            buffer.replaceSubrange(filled..<filled + n, with: rest[0..<n])
            filled += n
        }
        return Array(buffer[0..<filled])
    }

    func close() {
        if case .file(let fd) = self { try? fd.close() }
    }
}
