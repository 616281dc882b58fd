import Foundation
import Synchronization
import VigilPatterns

#if canImport(Glibc)
    import Glibc
#endif

/// One `GET /_vigil/tail` connection read on a thread of its own, as a browser or curl reads it: it
/// counts the events that arrive (each has a `data:` line; the opening block has only an `id:`) and
/// notes when each `probe K` event came, for `vigil bench tail`'s HTTP cases. It ends when the server
/// closes the stream or ``stop()`` shuts the socket.
final class ServerSentEventsReader: Sendable {
    private let fd: Int32
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)
    /// Whether data lines are searched for `ERROR probe K` (the latency case; the others only count).
    private let probing: Bool

    struct State {
        var events = 0
        var probes: [(Int, ContinuousClock.Instant)] = []
        var status = 0
        var comments: [String] = []
    }

    /// Opens the stream with `request` (a signed GET) and starts reading; `probing`: note `probe K` events.
    init(port: Int, request: [UInt8], probing: Bool = false) throws {
        self.probing = probing
        fd = try HTTPLoadConnection.open(port)
        try HTTPLoadConnection.send(request, on: fd)
        Thread { [self] in
            read()
            finished.signal()
        }.start()
    }

    /// Events seen so far, and the arrivals of `probe K` events.
    var snapshot: State { state.withLock { $0 } }

    /// Ends the stream (shuts the socket) and waits for the reader thread.
    func stop() -> State {
        shutdown(fd, Int32(SHUT_RDWR))
        finished.wait()
        close(fd)
        return snapshot
    }

    private func read() {
        let clock = ContinuousClock()
        var buffer = [UInt8](repeating: 0, count: 1 << 17)
        // Bytes [0, kept) are the start of a line not yet complete, moved to the front after each read.
        var kept = 0
        var headRead = false
        while true {
            if kept == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let n = buffer.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress.map { $0 + kept }, raw.count - kept, 0)
            }
            guard n > 0 else { return }
            let now = clock.now
            let filled = kept + n
            var events = 0
            var probes: [(Int, ContinuousClock.Instant)] = []
            var comments: [String] = []
            var status: Int?
            // One pass over whole lines, finding each newline with memchr: the client must cost little
            // next to the server it measures.
            let consumed = buffer.withUnsafeBufferPointer { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                var lineStart = 0
                while lineStart < filled, let hit = memchr(base + lineStart, 10, filled - lineStart) {
                    let lineEnd = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                    lineStart = lineEnd + 1
                    if !headRead {
                        // The status line, then headers up to an empty line (CRLF).
                        if status == nil, line.starts(with: Self.http) {
                            status = Self.number(line, from: Self.http.count + 1)
                        }
                        if line.count <= 1 { headRead = true }
                        continue
                    }
                    if line.starts(with: Self.dataStart) {
                        events += 1
                        if probing, let k = Self.probeNumber(in: line) { probes.append((k, now)) }
                    } else if line.starts(with: Self.commentStart) {
                        let text = String(decoding: line.dropFirst(Self.commentStart.count), as: UTF8.self)
                        if text != "keep-alive" { comments.append(text) }
                    }
                }
                return lineStart
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    memmove(base, base + consumed, filled - consumed)
                }
            }
            kept = filled - consumed
            state.withLock {
                if let status { $0.status = status }
                $0.events += events
                $0.probes += probes
                $0.comments += comments
            }
        }
    }

    static let http = Array("HTTP/1.1".utf8)
    static let dataStart = Array("data: ".utf8)

    /// K of the first `ERROR probe K` in `line`.
    static func probeNumber(in line: UnsafeBufferPointer<UInt8>) -> Int? {
        probe.withUnsafeBufferPointer { needle in
            ByteSearch.firstIndex(of: needle, in: line, from: 0).flatMap { number(line, from: $0 + needle.count) }
        }
    }

    static let commentStart = Array(": ".utf8)
    static let probe = Array("ERROR probe ".utf8)

    /// The decimal number at `from` in `bytes`, if one starts there.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var value = 0
        var i = from
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57, value < 1_000_000_000 {
            value = value * 10 + Int(bytes[i] - 48)
            i += 1
        }
        return i > from ? value : nil
    }
}
