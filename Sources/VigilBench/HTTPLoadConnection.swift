import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a loopback server, with blocking sockets: the load
/// generator of `vigil bench http` runs one per thread, so that the client costs little next to the
/// server it measures (no event loop, no TLS, no SDK). A connection is used by one thread at a time
/// (handed to it whole), which is why it may cross into that thread.
final class HTTPLoadConnection: @unchecked Sendable {
    let port: Int
    var fd: Int32
    var buffer: [UInt8] = []
    /// The server said `Connection: close` (moto's server does after every response): the next request
    /// opens a new connection.
    var closed = false

    struct Failure: Error, CustomStringConvertible {
        let description: String
        var refused = false
    }

    /// A response: its status and body.
    struct Reply {
        let status: Int
        let body: [UInt8]
    }

    init(port: Int) throws {
        self.port = port
        fd = try Self.open(port)
    }

    /// A connected socket; a refused connection is tried again for up to two seconds (a server that
    /// closes each connection may not be accepting at the instant the next one comes).
    static func open(_ port: Int) throws -> Int32 {
        var attempt = 0
        while true {
            do {
                return try connectOnce(port)
            } catch let failure as Failure where failure.refused && attempt < 100 {
                attempt += 1
                usleep(20_000)
            }
        }
    }

    static func connectOnce(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): errno \(code)", refused: code == ECONNREFUSED)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    deinit { close(fd) }

    /// Sends one request and reads its response.
    func exchange(_ request: [UInt8]) throws -> Reply {
        if closed {
            close(fd)
            fd = try Self.open(port)
            buffer.removeAll()
            closed = false
        }
        try Self.send(request, on: fd)
        return try response()
    }

    /// Writes all of `bytes` to the socket `fd`.
    static func send(_ bytes: [UInt8], on fd: Int32) throws {
        var sent = 0
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while sent < raw.count {
                let n = Glibc.send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
                sent += n
            }
        }
    }

    func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw Failure(description: "the server closed the connection") }
        buffer += chunk[0..<n]
    }

    func response() throws -> Reply {
        let separator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while end == nil {
            end =
                buffer.count >= 4
                ? (0...(buffer.count - 4)).first { buffer[$0..<($0 + 4)].elementsEqual(separator) } : nil
            if end == nil { try fill() }
        }
        let headEnd = end ?? 0
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let length =
            lines.dropFirst().compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
        closed = lines.dropFirst().contains {
            $0.lowercased().replacingOccurrences(of: " ", with: "") == "connection:close"
        }
        let bodyStart = headEnd + 4
        while buffer.count < bodyStart + length { try fill() }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return Reply(status: status, body: body)
    }
}
