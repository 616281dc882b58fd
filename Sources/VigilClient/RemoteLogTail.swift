import NIOCore
public import VigilAPI
import VigilWire

/// `vigil tail --endpoint-url`: a log group's events on a running server, since a time, and with
/// ``follow(show:notice:)`` every new one as it commits, each exactly once however often the stream
/// breaks.
///
/// How nothing is missed or shown twice: the live stream (`GET /_vigil/tail`) is opened first, and its
/// first block names the id it continues after (`id: N`). History (FilterLogEvents pages) then shows
/// the events up to N and the stream those after it. When the stream ends (the server restarted, or this
/// reader fell behind and was dropped) it is opened again with `Last-Event-ID` set to the last id shown,
/// every second until the server answers, and the server reads what was missed from its store.
public struct RemoteLogTail: Sendable {
    public let client: VigilClient
    public var input: CloudWatchLogs.StartLiveTailInput
    /// Events before this time (ms since the epoch) are not shown.
    public var start: Int64
    /// How long to wait before opening a broken stream again.
    public var reconnectDelay: Duration = .seconds(1)
    /// How many pieces of the stream wait for the consumer at most (while history is shown, or while
    /// standard output is blocked): beyond them this side ends the connection, as the server ends one that
    /// falls behind, and ``follow(show:notice:)`` opens it again after the last event shown.
    public var bufferedPieces = 1_024

    public init(
        client: VigilClient, group: String, streamNames: [String]?, streamPrefix: String?,
        filterPattern: String?, start: Int64
    ) {
        self.client = client
        self.input = CloudWatchLogs.StartLiveTailInput(
            logGroupIdentifiers: [group], logStreamNames: streamNames,
            logStreamNamePrefixes: streamPrefix.map { [$0] }, logEventFilterPattern: filterPattern)
        self.start = start
    }

    /// The events from ``start`` on (with ids up to `boundary`, when given), page by page in time order.
    public func history(upTo boundary: Int64? = nil, show: ([TailedLogEvent]) async -> Void) async throws {
        let group = input.logGroupIdentifiers.first ?? ""
        var token: String?
        repeat {
            let page: CloudWatchLogs.FilterLogEventsOutput = try await client.logs(
                "FilterLogEvents",
                CloudWatchLogs.FilterLogEventsInput(
                    logGroupName: group, logStreamNames: input.logStreamNames,
                    logStreamNamePrefix: input.logStreamNamePrefixes?.first, startTime: start,
                    filterPattern: input.logEventFilterPattern, nextToken: token, interleaved: true))
            var events: [TailedLogEvent] = []
            for event in page.events ?? [] {
                let id = event.eventId.flatMap { Int64($0) } ?? 0
                if let boundary, id > boundary { continue }
                events.append(
                    TailedLogEvent(
                        id: id, group: group, stream: event.logStreamName ?? "", timestamp: event.timestamp ?? 0,
                        ingestionTime: event.ingestionTime ?? 0, message: Array((event.message ?? "").utf8)))
            }
            if !events.isEmpty { await show(events) }
            token = page.nextToken
        } while token != nil
    }

    /// History, then every new event, until the calling task is cancelled. `notice` gets a line for a
    /// person when the stream breaks, and when it is back. A refusal (a 4xx: no such group, a bad
    /// pattern, access denied) is thrown, not retried.
    public func follow(show: ([TailedLogEvent]) async -> Void, notice: (String) -> Void) async throws {
        var items = stream(after: nil).makeAsyncIterator()
        guard case .opened(let boundary)? = try await items.next() else {
            throw RemoteServiceError(
                status: 200, code: RemoteServiceError.invalidResponse,
                message: "\(client.endpoint)'s event stream did not begin with the id it continues after")
        }
        try await history(upTo: boundary, show: show)
        var lastShown = boundary
        // Why the stream is broken (nil while it works), and the last reason told, so that a server that
        // stays down is told of once, not every second.
        var broken: String?
        var told: String?
        while true {
            do {
                while let item = try await items.next() {
                    switch item {
                    case .opened:
                        if told != nil { notice("vigil tail: reconnected; continuing after event \(lastShown)") }
                        broken = nil
                        told = nil
                    case .events(let events):
                        let fresh = events.filter { $0.id > lastShown }
                        lastShown = max(lastShown, fresh.last?.id ?? lastShown)
                        let shown = fresh.filter { $0.timestamp >= start }
                        if !shown.isEmpty { await show(shown) }
                    case .comment(let text):
                        broken = text
                    }
                }
                if broken == nil { broken = "the server ended the stream" }
            } catch let refusal as RemoteServiceError
                where (400..<500).contains(refusal.status) || refusal.code == RemoteServiceError.invalidResponse
            {
                // Refused, or not speaking Vigil's stream: asking again would get the same answer.
                throw refusal
            } catch let error as HTTPExchange.ConnectionError {
                try Task.checkCancellation()
                broken = error.description
            } catch let error as StreamFellBehind {
                broken = error.description
            } catch {
                try Task.checkCancellation()
                broken = "the connection to \(client.endpoint) broke (\(error))"
            }
            try Task.checkCancellation()
            let reason = broken ?? "the stream ended"
            if reason != told {
                notice("vigil tail: \(reason); reconnecting after event \(lastShown)")
                told = reason
            }
            try await Task.sleep(for: reconnectDelay)
            items = stream(after: lastShown).makeAsyncIterator()
        }
    }

    /// What one connection of the live stream says.
    enum StreamItem: Sendable {
        /// The stream continues after this id.
        case opened(Int64)
        case events([TailedLogEvent])
        /// A comment other than the keep-alive: why the server is about to end the stream.
        case comment(String)
    }

    /// The SSE event's `data`.
    struct StreamEventData: Decodable {
        var logGroup: String
        var logStream: String
        var timestamp: Int64
        var ingestionTime: Int64
        var message: String
    }

    /// The request that opens the live stream, after id `after` when given.
    func streamRequest(after: Int64?) -> SigV4Request {
        var pairs: [(String, String)] = input.logGroupIdentifiers.map { ("logGroup", $0) }
        if let pattern = input.logEventFilterPattern { pairs.append(("filterPattern", pattern)) }
        for name in input.logStreamNames ?? [] { pairs.append(("logStream", name)) }
        for prefix in input.logStreamNamePrefixes ?? [] { pairs.append(("streamPrefix", prefix)) }
        if let after { pairs.append(("since", "\(after)")) }
        let query = pairs.map { "\(SigV4.encode(Array($0.0.utf8)))=\(SigV4.encode(Array($0.1.utf8)))" }
            .joined(separator: "&")
        return client.signed(
            SigV4Request(
                method: "GET", path: "/_vigil/tail", query: query,
                headers: [
                    (name: "Host", value: client.endpoint.authority), (name: "Accept", value: "text/event-stream"),
                ],
                body: []), service: "logs")
    }

    /// This side's buffer of the live stream was full.
    struct StreamFellBehind: Error, CustomStringConvertible {
        var description: String { "events came faster than they could be shown" }
    }

    /// One connection of the live stream, read as it arrives (buffered up to ``bufferedPieces``, so that
    /// the server does not wait on this reader while it shows history).
    func stream(after: Int64?) -> AsyncThrowingStream<StreamItem, any Error> {
        let request = streamRequest(after: after)
        let endpoint = client.endpoint
        return AsyncThrowingStream(bufferingPolicy: .bufferingOldest(max(1, bufferedPieces))) { continuation in
            func yield(_ item: StreamItem) throws {
                if case .dropped = continuation.yield(item) { throw StreamFellBehind() }
            }
            let reader = Task {
                do {
                    var parser = ServerSentEventParser()
                    var status = 0
                    var refusal: [UInt8] = []
                    try await HTTPExchange.stream(request, to: endpoint) {
                        status = $0
                    } body: { piece in
                        guard status == 200 else {
                            if refusal.count < 65_536 { refusal += piece.readableBytesView }
                            return
                        }
                        var events: [TailedLogEvent] = []
                        let items: [ServerSentEventItem]
                        do {
                            items = try parser.append(piece.readableBytesView)
                        } catch {
                            throw RemoteServiceError(
                                status: 200, code: RemoteServiceError.invalidResponse,
                                message: "\(endpoint)'s event stream is broken: \(error)")
                        }
                        for item in items {
                            switch item {
                            case .event(let event):
                                guard let id = Int64(event.lastEventID),
                                    let data = try? APIDecoder.decode(StreamEventData.self, from: event.data)
                                else {
                                    throw RemoteServiceError(
                                        status: 200, code: RemoteServiceError.invalidResponse,
                                        message: "\(endpoint) sent an event that is not a log event")
                                }
                                events.append(
                                    TailedLogEvent(
                                        id: id, group: data.logGroup, stream: data.logStream,
                                        timestamp: data.timestamp, ingestionTime: data.ingestionTime,
                                        message: Array(data.message.utf8)))
                            case .lastEventID(let text):
                                if !events.isEmpty { try yield(.events(events)) }
                                events = []
                                if let id = Int64(text) { try yield(.opened(id)) }
                            case .comment(let text):
                                if !events.isEmpty { try yield(.events(events)) }
                                events = []
                                if text != "keep-alive" { try yield(.comment(text)) }
                            case .retry:
                                break
                            }
                        }
                        if !events.isEmpty { try yield(.events(events)) }
                    }
                    if status != 200 { throw RemoteServiceError(status: status, awsJSON: refusal) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
    }
}
