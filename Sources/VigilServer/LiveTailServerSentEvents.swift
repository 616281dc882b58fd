import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import VigilAPI
import VigilPatterns
import VigilService

/// `GET /_vigil/tail`: a live-tail session as Server-Sent Events (`text/event-stream`), for browsers
/// (`new EventSource(…)`) and `curl -N`.
///
/// The stream begins with a block that has no data and so dispatches no event, `retry: 1000` and `id: N`:
/// N is the id the session continues after, so a client that loses the connection before any event came
/// resumes from where it began rather than from wherever the server is by then.
///
/// One SSE event per log event: its `id:` is the event's id, its `data:` one line of JSON
/// (`{"logGroup":…,"logStream":…,"timestamp":…,"ingestionTime":…,"message":…}`). A client that reconnects
/// with `Last-Event-ID` (an EventSource does so by itself), or with `?since=ID`, continues with the event
/// after that id, read from the store however long it was away: nothing is missed and nothing comes
/// twice. Every event that matches is sent, with no sampling; a comment (`: keep-alive`) goes every
/// ``keepAlive`` (5 seconds by default) when none does, and a client that went away frees its session at
/// the first one (the server allows half-closed connections, so only a write finds out). A session that
/// reads so slowly that the hub drops events before it reads them gets a comment saying so and the
/// stream closes: reconnecting resumes from the store.
struct LiveTailServerSentEvents: Sendable {
    static let contentType = "text/event-stream"

    let session: LiveTailSession
    let logger: Logger
    /// How long the stream goes without writing before it writes a keep-alive comment
    /// (``VigilHTTPServer/defaultLiveTailKeepAlive`` unless the server was given another).
    let keepAlive: Duration
    /// Completes when the client's connection closes: the session ends then, rather than at the next
    /// keep-alive that fails to write.
    var connectionClosed: EventLoopFuture<Void>? = nil

    var body: ResponseBody {
        ResponseBody { writer in try await self.write(to: &writer) }
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        var shown = 0
        var ending = "client closed the stream"
        let started = ContinuousClock.now
        logger.info(
            "live tail started",
            metadata: ["stream": "sse", "groups": "\(session.filter.groups.joined(separator: ","))"])
        defer {
            logger.info(
                "live tail ended",
                metadata: [
                    "stream": "sse", "reason": "\(ending)", "events": "\(shown)",
                    "seconds": "\((ContinuousClock.now - started).components.seconds)",
                ])
        }
        let clientGone = ClientGone()
        connectionClosed?.whenComplete { [session] _ in
            clientGone.flag.store(true, ordering: .releasing)
            session.interrupt()
        }
        // Reconnect after a second when the stream breaks, and from the id the session starts after.
        var opening = Array("retry: 1000\nid: ".utf8)
        DecimalText.append(await session.lastEventID, to: &opening)
        opening += [0x0A, 0x0A]
        try await writer.write(ByteBuffer(bytes: opening))
        while true {
            if Task.isShuttingDownGracefully {
                ending = "server shutting down"
                try await writer.write(ByteBuffer(string: ": the server is shutting down\n\n"))
                break
            }
            let events: [TailedLogEvent]
            do {
                events = try await session.nextUntilShutdown(wait: keepAlive)
                if clientGone.flag.load(ordering: .acquiring) {
                    ending = "client closed the connection"
                    await session.close()
                    return
                }
            } catch LiveTailError.fellBehind(let lastEventID) {
                ending = "fell behind after event \(lastEventID)"
                try await writer.write(
                    ByteBuffer(
                        string:
                            ": fell behind: events arrived faster than this stream read them; reconnect with Last-Event-ID to resume from the store\n\n"
                    ))
                break
            } catch {
                ending = "error: \(error)"
                try await writer.write(ByteBuffer(string: ": the session could not read the log events\n\n"))
                break
            }
            guard !events.isEmpty else {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                continue
            }
            try await writer.write(ByteBuffer(bytes: Self.events(events)))
            shown += events.count
        }
        await session.close()
        try await writer.finish(nil)
    }

    /// The SSE text of `events`, written as bytes (this runs for every event every stream shows).
    static func events(_ events: [TailedLogEvent]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(events.reduce(0) { $0 + $1.message.count + 160 })
        for event in events {
            out += idField
            DecimalText.append(event.id, to: &out)
            out += dataField
            JSONString.append(event.group, quotedTo: &out)
            out += streamMember
            JSONString.append(event.stream, quotedTo: &out)
            out += timestampMember
            DecimalText.append(event.timestamp, to: &out)
            out += ingestionTimeMember
            DecimalText.append(event.ingestionTime, to: &out)
            out += messageMember
            JSONString.append(message: event.message, quotedTo: &out)
            out += eventEnd
        }
        return out
    }

    static let idField = Array("id: ".utf8)
    static let dataField = Array("\ndata: {\"logGroup\":".utf8)
    static let streamMember = Array(#","logStream":"#.utf8)
    static let timestampMember = Array(#","timestamp":"#.utf8)
    static let ingestionTimeMember = Array(#","ingestionTime":"#.utf8)
    static let messageMember = Array(#","message":"#.utf8)
    static let eventEnd = Array("}\n\n".utf8)
}

/// Set when the client's connection closed.
final class ClientGone: Sendable {
    let flag = Atomic<Bool>(false)
}

extension LiveTailSession {
    /// ``next(maximum:wait:)`` (up to 1,000 events) that returns at once when the server starts to shut
    /// down, so that no stream holds up a SIGTERM.
    func nextUntilShutdown(wait: Duration) async throws -> [TailedLogEvent] {
        try await withGracefulShutdownHandler {
            try await self.next(maximum: 1_000, wait: wait)
        } onGracefulShutdown: {
            self.interrupt()
        }
    }
}
