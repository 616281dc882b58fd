import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import VigilServer
import VigilStore

/// What every server test does: requests through Hummingbird's router test client to a server over an
/// in-memory store, the response kept as bytes.
enum RouterExchange {
    struct Reply: Sendable {
        let status: Int
        let headers: HTTPFields
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    typealias Send = (_ method: HTTPRequest.Method, _ uri: String, _ headers: HTTPFields, _ body: [UInt8]) async throws
        -> Reply

    /// Runs `body` against `server` (by default one over a new in-memory store).
    static func withServer(
        _ server: VigilHTTPServer? = nil, _ body: @Sendable (_ send: Send) async throws -> Void
    ) async throws {
        let server =
            try server ?? VigilHTTPServer(store: SQLiteLogStore(path: ":memory:"), logger: Logger(label: "test"))
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            try await body { method, uri, headers, bytes in
                try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes)) {
                    Reply(status: Int($0.status.code), headers: $0.headers, body: Array($0.body.readableBytesView))
                }
            }
        }
    }
}
