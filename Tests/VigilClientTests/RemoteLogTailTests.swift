import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import VigilAPI
import VigilClient
import VigilServer
import VigilService
import VigilStore

#if canImport(Glibc)
    import Glibc
#endif

/// `GET /_vigil/tail` and ``RemoteLogTail`` over a real loopback socket, against a server in this process
/// over a store on disk: readers that do not keep up, on either side of the connection.
@Suite struct RemoteLogTailTests {
    /// A server on a free port with a hub whose ring holds `capacity` bytes, a group `app` with a stream
    /// `web-1`, and a service to write with.
    static func withServer(
        capacity: Int = 64 << 20, keepAlive: Duration = VigilHTTPServer.defaultLiveTailKeepAlive,
        _ body: @Sendable (_ port: Int, _ logs: LogsService, _ hub: LiveTailHub) async throws -> Void
    ) async throws {
        let path = NSTemporaryDirectory() + "vigil-remote-tail-\(UUID().uuidString).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try SQLiteLogStore(path: path)
        let hub = LiveTailHub(store: store, capacity: capacity)
        let logs = LogsService(store: store)
        try await logs.createLogGroup(CloudWatchLogs.CreateLogGroupInput(logGroupName: "app"))
        try await logs.createLogStream(CloudWatchLogs.CreateLogStreamInput(logGroupName: "app", logStreamName: "web-1"))
        let server = VigilHTTPServer(
            store: store, logger: Logger(label: "test"), liveTail: hub, liveTailKeepAlive: keepAlive)
        try await server.application(host: "127.0.0.1", port: 0).test(.live) { client in
            try await body(try #require(client.port), logs, hub)
        }
    }

    static func put(_ logs: LogsService, _ messages: [String]) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try await logs.putLogEvents(
            CloudWatchLogs.PutLogEventsInput(
                logGroupName: "app", logStreamName: "web-1",
                logEvents: messages.map { CloudWatchLogs.InputLogEvent(timestamp: now, message: $0) }))
    }

    @Test(
        "a stream whose reader stops reading costs the writer nothing: every write is acknowledged, the ring stays within its bound, and the reader, once it reads again, is told it fell behind and resumes from the store with each event once"
    )
    func stalledReaderOverASocket() async throws {
        try await Self.withServer(capacity: 256 << 10) { port, logs, hub in
            let reader = try await BlockingSocket.onThread { try BlockingSocket(port: port, receiveBuffer: 4_096) }
            try reader.send("GET /_vigil/tail?logGroup=app HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            // The session is open once the stream's opening block came; from then on nothing is read.
            let opening = try await BlockingSocket.onThread { try reader.receiveBody { $0.hasSuffix("\n\n") } }
            #expect(opening.body.hasPrefix("retry: 1000\nid: "))
            let padding = String(repeating: "x", count: 1_000)
            for batch in 0..<200 {
                try await Self.put(logs, (0..<20).map { "event \(batch * 20 + $0) \(padding)" })
                #expect(hub.retainedBytes <= (256 << 10) + 20 * 1_100)
            }
            // 4 MB written while the reader read nothing: more than the ring and both sockets' buffers.
            let stalled = try await BlockingSocket.onThread { try reader.receiveBody { _ in false } }
            reader.close()
            #expect(stalled.ended && stalled.body.contains("\n: fell behind"), "the stream did not say it fell behind")
            let first = Self.ids(in: stalled.body)
            let last = try #require(first.last)
            #expect(first.count < 4_000)
            // Resuming after the last event it saw gives the rest, from the store.
            let resumed = try await BlockingSocket.onThread { try BlockingSocket(port: port) }
            try resumed.send(
                "GET /_vigil/tail?logGroup=app HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: \(last)\r\n\r\n")
            let rest = try await BlockingSocket.onThread {
                try resumed.receiveBody { $0.contains("event 3999 ") && $0.hasSuffix("\n\n") }
            }
            resumed.close()
            let all = first + Self.ids(in: rest.body)
            #expect(Set(all).count == all.count, "an event came twice")
            let messages = Self.messages(in: stalled.body + rest.body)
            #expect(messages == (0..<4_000).map { "event \($0) \(padding)" })
        }
    }

    /// The keep-alive is 20 s here, so that a loaded machine's pauses (a CI run measured 5 s) stay far
    /// inside the margin between one keep-alive (20 s) and two (40 s).
    @Test(
        "a client that closes its connection frees its session at the next keep-alive, not two keep-alives later"
    )
    func closedClientFreesItsSession() async throws {
        try await Self.withServer(keepAlive: .seconds(20)) { port, _, hub in
            let reader = try await BlockingSocket.onThread { try BlockingSocket(port: port) }
            try reader.send("GET /_vigil/tail?logGroup=app HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            _ = try await BlockingSocket.onThread { try reader.receiveBody { $0.hasSuffix("\n\n") } }
            #expect(hub.sessionCount == 1)
            reader.close()
            let closed = ContinuousClock.now
            while hub.sessionCount > 0, ContinuousClock.now - closed < .seconds(32) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(hub.sessionCount == 0, "the session outlived its client by 32 s")
        }
    }

    @Test(
        "RemoteLogTail: while the history is shown the stream's pieces overflow its buffer, and the tail, opening the stream again after the last event shown, shows every event once and in order, saying why it reconnected"
    )
    func slowConsumer() async throws {
        try await Self.withServer { port, logs, _ in
            var tail = RemoteLogTail(
                client: VigilClient(
                    endpoint: HTTPEndpoint(host: "127.0.0.1", port: port), region: "us-east-1", credentials: nil),
                group: "app", streamNames: nil, streamPrefix: nil, filterPattern: "event", start: 0)
            tail.bufferedPieces = 2
            tail.reconnectDelay = .milliseconds(50)
            let shown = Shown()
            try await Self.put(logs, (0..<50).map { "event \($0) (history)" })
            let following = Task {
                try await tail.follow { events in
                    // The history waits for the test to write the rest: meanwhile the stream's pieces pile up.
                    await shown.holdFirstCall()
                    shown.add(events.map { String(decoding: $0.message, as: UTF8.self) })
                } notice: {
                    shown.note($0)
                }
            }
            while !shown.held { try await Task.sleep(for: .milliseconds(5)) }
            for batch in 0..<100 {
                try await Self.put(logs, (0..<10).map { "event \(50 + batch * 10 + $0)" } + ["other"])
                try await Task.sleep(for: .milliseconds(2))
            }
            shown.release()
            let deadline = ContinuousClock.now + .seconds(60)
            while shown.count < 1_050, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            following.cancel()
            _ = await following.result
            let expected = (0..<50).map { "event \($0) (history)" } + (50..<1_050).map { "event \($0)" }
            #expect(shown.messages == expected)
            #expect(
                shown.notices.contains { $0.contains("faster than they could be shown") },
                "notices: \(shown.notices)")
        }
    }

    static func ids(in stream: String) -> [Int] {
        var ids: [Int] = []
        var blockID: Int?
        for line in stream.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("id: ") { blockID = Int(line.dropFirst(4)) }
            if line.hasPrefix("data: "), let id = blockID { ids.append(id) }
            if line.isEmpty { blockID = nil }
        }
        return ids
    }

    /// The messages of the events' data lines.
    static func messages(in stream: String) -> [String] {
        stream.split(separator: "\n").filter { $0.hasPrefix("data: ") }.compactMap { line in
            guard let range = line.range(of: #","message":""#) else { return nil }
            return String(line[range.upperBound...].dropLast(2))
        }
    }
}

/// What a test's tail showed, from the tail's task; its first call can be held until the test releases it.
final class Shown: Sendable {
    private let state = Mutex<(messages: [String], notices: [String])>(([], []))
    private let gate = Atomic<Int>(0)  // 0 not yet called, 1 held, 2 released

    /// Holds the first call until ``release()``.
    func holdFirstCall() async {
        guard gate.compareExchange(expected: 0, desired: 1, ordering: .sequentiallyConsistent).exchanged else { return }
        while gate.load(ordering: .sequentiallyConsistent) == 1 { try? await Task.sleep(for: .milliseconds(1)) }
    }
    var held: Bool { gate.load(ordering: .sequentiallyConsistent) == 1 }
    func release() { gate.store(2, ordering: .sequentiallyConsistent) }

    func add(_ messages: [String]) { state.withLock { $0.messages += messages } }
    func note(_ notice: String) { state.withLock { $0.notices.append(notice) } }
    var count: Int { state.withLock { $0.messages.count } }
    var messages: [String] { state.withLock { $0.messages } }
    var notices: [String] { state.withLock { $0.notices } }
}

/// A loopback TCP connection with blocking calls, read only when the test says so (a reader that stalls).
/// Its calls run on a thread of their own (``onThread(_:)``), never the cooperative pool, whose few
/// threads the server in this process needs. Used by one task at a time.
final class BlockingSocket: @unchecked Sendable {
    let fd: Int32

    struct Failure: Error { let what: String }

    init(port: Int, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(what: "connect: \(errno)") }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { throw Failure(what: "send") }
    }

    private var raw: [UInt8] = []
    private var body: [UInt8] = []
    private var headRead = false
    private var ended = false

    /// Reads the reply's chunked body until `done` holds for all of it read so far or the last chunk
    /// came, at most 64 KiB per read (the head is passed over).
    func receiveBody(until done: (String) -> Bool) throws -> (body: String, ended: Bool) {
        while true {
            decode()
            let text = String(decoding: body, as: UTF8.self)
            if ended || done(text) { return (text, ended) }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure(what: "the connection closed or timed out before the body was read") }
            raw += buffer[0..<n]
        }
    }

    /// Moves the complete chunks of `raw` into `body`.
    private func decode() {
        let crlf: [UInt8] = [13, 10]
        func index(of needle: [UInt8], from start: Int) -> Int? {
            guard raw.count >= needle.count + start else { return nil }
            return (start...(raw.count - needle.count)).first { raw[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
        if !headRead {
            guard let end = index(of: crlf + crlf, from: 0) else { return }
            raw.removeFirst(end + 4)
            headRead = true
        }
        while !ended, let lineEnd = index(of: crlf, from: 0) {
            guard let size = Int(String(decoding: raw[..<lineEnd], as: UTF8.self), radix: 16),
                raw.count >= lineEnd + 2 + size + 2
            else { return }
            body += raw[(lineEnd + 2)..<(lineEnd + 2 + size)]
            raw.removeFirst(lineEnd + 2 + size + 2)
            if size == 0 { ended = true }
        }
    }

    func close() { Glibc.close(fd) }

    /// Runs `body` on a new thread, and returns what it returned.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
