import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The benchmark's webhook receiver: HTTP/1.1 keep-alive on loopback, a thread per connection, that
/// answers every POST `200` at once and counts what arrived, so that the receiver costs the engine as
/// little as a receiver can. Given a CPU, its threads run on that CPU alone.
final class BenchReceiver: Sendable {
    let port: Int
    let listener: Int32
    let cpu: Int?
    /// POSTs received, and when the last one arrived.
    let received = Mutex((count: 0, last: ContinuousClock.now))

    init(cpu: Int? = nil) throws {
        self.cpu = cpu
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 1024) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var count: Int { received.withLock { $0.count } }

    func acceptLoop() {
        if let cpu { CPUAffinity.pinThread(to: cpu) }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            Thread { [self] in serve(client) }.start()
        }
    }

    /// Reads requests (headers, then Content-Length bytes) and answers each.
    func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        while true {
            // One request: headers up to the blank line, then the body.
            var headerEnd: Int?
            while headerEnd == nil {
                if let r = Self.find(Array("\r\n\r\n".utf8), in: buffer) {
                    headerEnd = r
                    break
                }
                let n = read(fd, &chunk, chunk.count)
                guard n > 0 else { return }
                buffer += chunk[0..<n]
            }
            guard let end = headerEnd else { return }
            let head = String(decoding: buffer[0..<end], as: UTF8.self).lowercased()
            var length = 0
            if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }) {
                length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            while buffer.count < end + 4 + length {
                let n = read(fd, &chunk, chunk.count)
                guard n > 0 else { return }
                buffer += chunk[0..<n]
            }
            buffer.removeFirst(end + 4 + length)
            received.withLock { r in
                r.count += 1
                r.last = .now
            }
            guard answer.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == answer.count else { return }
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
