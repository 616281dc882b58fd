import NIOCore
import NIOHTTP1
import NIOPosix
import VigilWire

/// One HTTP/1.1 request on a connection of its own, over SwiftNIO: the head of the reply, then its body
/// piece by piece as it arrives (an event stream never ends by itself). Cancelling the calling task
/// closes the connection, so that a reader waiting on a quiet stream stops at once.
enum HTTPExchange {
    /// Why an exchange failed before a reply came: the server could not be reached, or closed early.
    struct ConnectionError: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends `request` (its `Host` header among its headers) and collects a reply of at most `limit`
    /// bytes.
    static func send(_ request: SigV4Request, to endpoint: HTTPEndpoint, limit: Int = 64 << 20) async throws -> (
        status: Int, body: [UInt8]
    ) {
        var status = 0
        var body: [UInt8] = []
        try await stream(request, to: endpoint) { code in
            status = code
        } body: { piece in
            guard body.count + piece.readableBytes <= limit else {
                throw ConnectionError(description: "the reply from \(endpoint) is longer than \(limit) bytes")
            }
            body += piece.readableBytesView
        }
        return (status, body)
    }

    /// Sends `request`, calls `head` with the reply's status, then `body` with each piece of the body until
    /// the server ends it.
    static func stream(
        _ request: SigV4Request, to endpoint: HTTPEndpoint, head: (Int) async throws -> Void,
        body: (ByteBuffer) async throws -> Void
    ) async throws {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ConnectionError(description: "could not connect to \(endpoint): \(error)")
        }
        let raw = channel.channel
        do {
            try await exchange(request, on: channel, endpoint: endpoint, head: head, body: body, raw: raw)
        } catch let error as HTTPParserError {
            throw ConnectionError(description: "\(endpoint) did not answer in HTTP/1.1 (\(error))")
        }
    }

    private static func exchange(
        _ request: SigV4Request, on channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>,
        endpoint: HTTPEndpoint, head: (Int) async throws -> Void, body: (ByteBuffer) async throws -> Void,
        raw: any Channel
    ) async throws {
        try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                var requestHead = HTTPRequestHead(
                    version: .http1_1, method: HTTPMethod(rawValue: request.method),
                    uri: request.query.isEmpty ? request.path : request.path + "?" + request.query)
                for (name, value) in request.headers { requestHead.headers.add(name: name, value: value) }
                if !request.body.isEmpty || request.method == "POST" {
                    requestHead.headers.replaceOrAdd(name: "Content-Length", value: "\(request.body.count)")
                }
                try await outbound.write(.head(requestHead))
                if !request.body.isEmpty {
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: request.body))))
                }
                try await outbound.write(.end(nil))
                var headSeen = false
                for try await part in inbound {
                    switch part {
                    case .head(let replyHead):
                        // 1xx heads come before the real one.
                        guard replyHead.status.code >= 200 else { continue }
                        headSeen = true
                        try await head(Int(replyHead.status.code))
                    case .body(let piece):
                        try await body(piece)
                    case .end:
                        return
                    }
                }
                if !headSeen { throw ConnectionError(description: "\(endpoint) closed the connection without a reply") }
            }
        } onCancel: {
            raw.close(promise: nil)
        }
    }
}
