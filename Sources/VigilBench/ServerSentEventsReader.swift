import Foundation
import Synchronization
import VigilWire

#if canImport(Glibc)
    import Glibc
#endif

/// One `GET /_vigil/tail` connection read on a thread of its own, as a browser or curl reads it: it
/// counts the events that arrive (each starts with an `id:` line) and notes when each `probe K` event
/// came, for `vigil bench tail --http`. It ends when the server closes the stream or ``stop()`` shuts
/// the socket.
final class ServerSentEventsReader: Sendable {
    private let fd: Int32
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    struct State {
        var events = 0
        var probes: [(Int, ContinuousClock.Instant)] = []
        var status = 0
        var comments: [String] = []
    }

    /// Opens the stream with `request` (a signed GET) and starts reading.
    init(port: Int, request: [UInt8]) throws {
        fd = try HTTPLoadConnection.open(port)
        var sent = 0
        try request.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while sent < raw.count {
                let n = Glibc.send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw HTTPLoadConnection.Failure(description: "send: errno \(errno)") }
                sent += n
            }
        }
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
        var chunk = [UInt8](repeating: 0, count: 65_536)
        // From the last newline on: a line not yet complete, read again with the next bytes. Every marker
        // starts with a newline, so one split between two reads is found then.
        var carry: [UInt8] = []
        var headRead = false
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            let now = clock.now
            let bytes = carry + chunk[0..<n]
            var start = 0
            if !headRead {
                guard let end = Self.find(Array("\r\n\r\n".utf8), in: bytes, from: 0, before: bytes.count) else {
                    carry = bytes
                    continue
                }
                let line = String(decoding: bytes[0..<min(end, 64)], as: UTF8.self)
                let status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
                state.withLock { $0.status = status }
                headRead = true
                start = end + 2
            }
            // Bytes before the last newline are whole lines.
            let complete = bytes.lastIndex(of: 10) ?? start
            var events = 0
            var at = start
            while let hit = Self.find(Self.eventStart, in: bytes, from: at, before: complete) {
                events += 1
                at = hit + 1
            }
            var probes: [(Int, ContinuousClock.Instant)] = []
            at = start
            while let hit = Self.find(Self.probe, in: bytes, from: at, before: complete) {
                at = hit + Self.probe.count
                if let k = Self.number(bytes, from: at) { probes.append((k, now)) }
            }
            var comments: [String] = []
            at = start
            while let hit = Self.find(Self.commentStart, in: bytes, from: at, before: complete) {
                let end = Self.find([10], in: bytes, from: hit + 1, before: bytes.count) ?? bytes.count
                let text = String(decoding: bytes[(hit + Self.commentStart.count)..<end], as: UTF8.self)
                if text != "keep-alive" { comments.append(text) }
                at = end
            }
            carry = Array(bytes[max(start, complete)...])
            state.withLock {
                $0.events += events
                $0.probes += probes
                $0.comments += comments
            }
        }
    }

    static let eventStart = Array("\nid: ".utf8)
    static let commentStart = Array("\n: ".utf8)
    static let probe = Array("ERROR probe ".utf8)

    /// Where `needle` first starts at or after `from` and before `before` (it may run past `before`).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, before: Int) -> Int? {
        let last = min(before - 1, haystack.count - needle.count)
        guard !needle.isEmpty, from >= 0, from <= last else { return nil }
        var i = from
        while i <= last {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func number(_ bytes: [UInt8], from: Int) -> Int? {
        var value = 0
        var i = from
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57, value < 1_000_000_000 {
            value = value * 10 + Int(bytes[i] - 48)
            i += 1
        }
        return i > from ? value : nil
    }
}
