import Foundation
import Testing
import VigilClient

#if canImport(Glibc)
    import Glibc
#endif

/// `vigil tail --endpoint-url` pointed at something that is not a well-behaved `vigil serve`: each
/// reply ends the tail with a message saying what was wrong, promptly and without retrying, and never
/// traps.
@Suite struct HostileServerTests {
    /// A server on a loopback port that answers every POST (the history) with no events and every GET
    /// (the stream) with `stream`, then `endless` bytes for as long as the client reads.
    final class FakeServer: @unchecked Sendable {
        let listener: Int32
        let port: Int

        init(stream: [UInt8], endless: [UInt8] = []) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            listener = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            guard bound else { throw BlockingSocket.Failure(what: "bind") }
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread {
                while true {
                    let client = accept(fd, nil, nil)
                    guard client >= 0 else { return }
                    Thread { Self.answer(client, stream: stream, endless: endless) }.start()
                }
            }.start()
        }

        static func answer(_ client: Int32, stream: [UInt8], endless: [UInt8]) {
            defer { close(client) }
            var request: [UInt8] = []
            var byte: UInt8 = 0
            while !request.suffix(4).elementsEqual([13, 10, 13, 10]) {
                guard recv(client, &byte, 1, 0) == 1 else { return }
                request.append(byte)
            }
            func send(_ bytes: [UInt8]) -> Bool {
                bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    == bytes.count
            }
            // The body too (a POST's): a reply and close before the client has sent it all would reset it.
            let head = String(decoding: request, as: UTF8.self).lowercased()
            if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            {
                var body = [UInt8](repeating: 0, count: length)
                var read = 0
                while read < length {
                    let n = body.withUnsafeMutableBytes { raw in
                        raw.baseAddress.map { recv(client, $0 + read, length - read, 0) } ?? -1
                    }
                    guard n > 0 else { return }
                    read += n
                }
            }
            if request.starts(with: Array("POST".utf8)) {
                let body = Array(#"{"events":[]}"#.utf8)
                _ = send(Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
                return
            }
            guard send(stream) else { return }
            while !endless.isEmpty, send(endless) {}
            Thread.sleep(forTimeInterval: 10)
        }

        func stop() { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    static let streamHead = Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n".utf8)

    static func follow(_ server: FakeServer) async -> String {
        let tail = RemoteLogTail(
            client: VigilClient(
                endpoint: HTTPEndpoint(host: "127.0.0.1", port: server.port), region: "us-east-1", credentials: nil),
            group: "app", streamNames: nil, streamPrefix: nil, filterPattern: nil, start: 0)
        do {
            try await tail.follow { _ in
            } notice: { _ in
            }
            return "returned"
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "what a tail refuses, and the words it uses",
        arguments: [
            ("\u{0}\u{FF} not HTTP\r\n\r\n", "", "did not answer in HTTP"),
            ("retry: 1000\nid: 0\n\nid: 5\ndata: {not json\n\n", "", "sent an event that is not a log event"),
            (": no opening id\n\n", "", "did not begin with the id it continues after"),
            ("retry: 1000\nid: 0\n\n", String(repeating: "x", count: 65_536), "longer than 8388608 bytes"),
            ("retry: 1000\nid: 0\n\nid: x\ndata: {}\n\n", "", "sent an event that is not a log event"),
        ])
    func refused(stream: String, endless: String, words: String) async throws {
        let head = stream.hasPrefix("\u{0}") ? [] : Self.streamHead
        let server = try FakeServer(stream: head + Array(stream.utf8), endless: Array(endless.utf8))
        defer { server.stop() }
        let outcome = await Self.follow(server)
        #expect(outcome.contains(words), "\(outcome)")
    }
}
