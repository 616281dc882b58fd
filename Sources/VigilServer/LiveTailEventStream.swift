import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import VigilAPI
import VigilPatterns
import VigilService
import VigilWire

/// StartLiveTail's response: a live-tail session written as AWS's event stream
/// (`application/vnd.amazon.eventstream`).
///
/// The frames, in order: `initial-response` (its payload the operation's other output members, `{}`;
/// botocore refuses a stream without it), `sessionStart` (the request's parameters, a request and a
/// session id), then `sessionUpdate`s — one as soon as events match, and an empty one whenever a second
/// has passed without any, so that an SDK never sees a stream silent for more than a second. At most 500
/// events go out in a second: the rest of that second's are left out, and the update that ends the second says so
/// (`sessionMetadata.sampled`, and `omittedEvents`, Vigil's, the number left out). A session ends with an
/// `exception` frame: SessionTimeoutException after the configured maximum duration,
/// SessionStreamingException when it fell behind (the hub dropped events before it read them), the
/// store failed, or the server is shutting down (SIGTERM: the session ends at once, so that shutdown does
/// not wait for it).
struct LiveTailEventStream: Sendable {
    static let contentType = "application/vnd.amazon.eventstream"
    static let updateInterval = Duration.seconds(1)
    static let eventsPerSecond = 500
    /// The JSON of one update's results is kept under this, well inside a frame's 16 MiB.
    static let maximumUpdateBytes = 8 << 20

    let session: LiveTailSession
    let input: CloudWatchLogs.StartLiveTailInput
    /// How each group was named in the request (a name or an ARN), as results name it.
    let identifiers: [String: String]
    let maximumDuration: Duration?
    let requestID: String
    let sessionID: String
    let logger: Logger

    init(
        session: LiveTailSession, input: CloudWatchLogs.StartLiveTailInput, groups: [String],
        maximumDuration: Duration?, logger: Logger
    ) {
        self.session = session
        self.input = input
        var identifiers: [String: String] = [:]
        for (group, identifier) in zip(groups, input.logGroupIdentifiers) where identifiers[group] == nil {
            identifiers[group] = identifier
        }
        self.identifiers = identifiers
        self.maximumDuration = maximumDuration
        self.requestID = UUID().uuidString.lowercased()
        self.sessionID = UUID().uuidString.lowercased()
        self.logger = logger
    }

    /// The group a request's identifier names (a name, or an ARN's name).
    static func groupName(_ identifier: String) throws -> String {
        identifier.hasPrefix("arn:") ? try LogsService.logGroupName(arn: identifier) : identifier
    }

    var body: ResponseBody {
        ResponseBody { writer in try await self.write(to: &writer) }
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        var shown = 0
        var omittedInAll = 0
        var ending = "client closed the stream"
        defer {
            logger.info(
                "live tail ended",
                metadata: [
                    "session": "\(sessionID)", "reason": "\(ending)", "events": "\(shown)",
                    "omitted": "\(omittedInAll)",
                    "seconds": "\((clock.now - started).components.seconds)",
                ])
        }
        logger.info(
            "live tail started",
            metadata: [
                "session": "\(sessionID)", "groups": "\(input.logGroupIdentifiers.joined(separator: ","))",
                "pattern": "\(input.logEventFilterPattern ?? "")",
            ])
        try await writer.write(
            Self.event("initial-response", Array("{}".utf8), contentType: "application/x-amz-json-1.1"))
        try await writer.write(Self.event("sessionStart", sessionStart()))
        var windowEnd = started + Self.updateInterval
        var sentInWindow = 0
        var omitted = 0
        var lastUpdate = clock.now
        while true {
            let now = clock.now
            if Task.isShuttingDownGracefully {
                ending = "server shutting down"
                try await writer.write(Self.exception("SessionStreamingException", "The server is shutting down."))
                break
            }
            if let maximumDuration, now - started >= maximumDuration {
                ending = "timed out"
                try await writer.write(
                    Self.exception(
                        "SessionTimeoutException",
                        "The live tail session timed out after \(maximumDuration.components.seconds) seconds."))
                break
            }
            if now >= windowEnd {
                // The second is over: the update saying what it left out, if it left anything out.
                if omitted > 0 {
                    for frame in updates([], omitted: omitted) { try await writer.write(frame) }
                    lastUpdate = now
                }
                omittedInAll += omitted
                windowEnd = max(windowEnd + Self.updateInterval, now)
                (sentInWindow, omitted) = (0, 0)
                continue
            }
            if now - lastUpdate >= Self.updateInterval {
                // Never a second without an update.
                for frame in updates([], omitted: 0) { try await writer.write(frame) }
                lastUpdate = now
                continue
            }
            var wait = min(windowEnd - now, lastUpdate + Self.updateInterval - now)
            if let maximumDuration { wait = min(wait, maximumDuration - (now - started)) }
            let events: [TailedLogEvent]
            do {
                events = try await session.nextUntilShutdown(wait: wait)
            } catch {
                let (reason, message) = Self.ending(error)
                ending = reason
                try await writer.write(Self.exception("SessionStreamingException", message))
                break
            }
            guard !events.isEmpty else { continue }
            let room = max(0, Self.eventsPerSecond - sentInWindow)
            let sent = events.prefix(room)
            omitted += events.count - sent.count
            guard !sent.isEmpty else { continue }
            for frame in updates(Array(sent), omitted: 0) { try await writer.write(frame) }
            sentInWindow += sent.count
            shown += sent.count
            lastUpdate = clock.now
        }
        await session.close()
        try await writer.finish(nil)
    }

    /// Why a session's read failed: for the log, and for its SessionStreamingException.
    static func ending(_ error: any Error) -> (reason: String, message: String) {
        switch error {
        case LiveTailError.fellBehind(let lastEventID):
            return (
                "fell behind after event \(lastEventID)",
                "The session fell behind: events arrived faster than it read them, and some were dropped before it read them. Start a new session."
            )
        case let error as any AWSServiceError: return ("store error: \(error.message)", error.message)
        default: return ("error: \(error)", "The session could not read the log events: \(error)")
        }
    }

    /// LiveTailSessionStart's members.
    func sessionStart() -> [UInt8] {
        var out = Array(#"{"requestId":"#.utf8)
        JSONString.append(requestID, quotedTo: &out)
        out += Array(#","sessionId":"#.utf8)
        JSONString.append(sessionID, quotedTo: &out)
        func list(_ name: String, _ values: [String]?) {
            guard let values else { return }
            out += Array(",\"\(name)\":[".utf8)
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(value, quotedTo: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        list("logGroupIdentifiers", input.logGroupIdentifiers)
        list("logStreamNames", input.logStreamNames)
        list("logStreamNamePrefixes", input.logStreamNamePrefixes)
        if let pattern = input.logEventFilterPattern {
            out += Array(#","logEventFilterPattern":"#.utf8)
            JSONString.append(pattern, quotedTo: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// LiveTailSessionUpdate frames holding `events` (more than one if their JSON would pass
    /// ``maximumUpdateBytes``); `omitted` > 0 marks the first as sampled.
    func updates(_ events: [TailedLogEvent], omitted: Int) -> [ByteBuffer] {
        var frames: [ByteBuffer] = []
        var results: [UInt8] = []
        var first = true
        func flush() {
            let sampled = first && omitted > 0
            var payload = Array(#"{"sessionMetadata":{"sampled":"#.utf8)
            payload += Array((sampled ? "true" : "false").utf8)
            if sampled { payload += Array(",\"omittedEvents\":\(omitted)".utf8) }
            payload += Array(#"},"sessionResults":["#.utf8)
            payload += results
            payload += Array("]}".utf8)
            frames.append(Self.event("sessionUpdate", payload))
            results = []
            first = false
        }
        for event in events {
            if !results.isEmpty, results.count + event.message.count > Self.maximumUpdateBytes { flush() }
            if !results.isEmpty { results.append(UInt8(ascii: ",")) }
            results += Array(#"{"logStreamName":"#.utf8)
            JSONString.append(event.stream, quotedTo: &results)
            results += Array(#","logGroupIdentifier":"#.utf8)
            JSONString.append(identifiers[event.group] ?? event.group, quotedTo: &results)
            results += Array(#","message":"#.utf8)
            JSONString.append(message: event.message, quotedTo: &results)
            results += LiveTailServerSentEvents.timestampMember
            DecimalText.append(event.timestamp, to: &results)
            results += LiveTailServerSentEvents.ingestionTimeMember
            DecimalText.append(event.ingestionTime, to: &results)
            results.append(UInt8(ascii: "}"))
        }
        if !results.isEmpty || frames.isEmpty { flush() }
        return frames
    }

    static func event(_ type: String, _ payload: [UInt8], contentType: String = "application/json") -> ByteBuffer {
        frame(
            EventStreamMessage(
                headers: [
                    .string(":message-type", "event"), .string(":event-type", type),
                    .string(":content-type", contentType),
                ],
                payload: payload))
    }

    static func exception(_ type: String, _ message: String) -> ByteBuffer {
        var payload = Array(#"{"message":"#.utf8)
        JSONString.append(message, quotedTo: &payload)
        payload.append(UInt8(ascii: "}"))
        return frame(
            EventStreamMessage(
                headers: [
                    .string(":message-type", "exception"), .string(":exception-type", type),
                    .string(":content-type", "application/json"),
                ], payload: payload))
    }

    /// A message's frame: its headers are fixed and its payload is kept under the limit, so encoding
    /// cannot fail; if it did, the frame would be an `error` message saying so.
    static func frame(_ message: EventStreamMessage) -> ByteBuffer {
        do {
            return ByteBuffer(bytes: try message.encoded())
        } catch {
            let fallback = EventStreamMessage(headers: [
                .string(":message-type", "error"), .string(":error-code", "InternalError"),
                .string(":error-message", String(error.reason.prefix(1_000))),
            ])
            return ByteBuffer(bytes: (try? fallback.encoded()) ?? [])
        }
    }
}
