import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization

/// A webhook receiver of the test's own on loopback: records every request it gets and answers as
/// `answer` says (status, headers, a delay before answering).
final class TestReceiver: Sendable {
    struct Received: Sendable {
        let path: String
        let headers: [String: String]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    struct Answer: Sendable {
        var status = 200
        var headers: [String: String] = [:]
        var body = "ok"
        var delay: Duration = .zero
    }

    let received = Mutex<[Received]>([])
    /// Requests being answered now, and the most there were at once.
    let concurrency = Mutex((now: 0, most: 0))
    let answer: @Sendable (_ index: Int, _ request: Received) -> Answer

    init(answer: @escaping @Sendable (_ index: Int, _ request: Received) -> Answer = { _, _ in Answer() }) {
        self.answer = answer
    }

    var requests: [Received] { received.withLock { $0 } }

    /// Header names are lower case. Runs `body` with the receiver listening; its argument is the base URL (`http://127.0.0.1:PORT`).
    func serve(_ body: @Sendable (_ baseURL: String) async throws -> Void) async throws {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let bytes = try await request.body.collect(upTo: 16 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let got = Received(path: request.uri.path, headers: headers, body: Array(bytes.readableBytesView))
            let index = self.received.withLock { r -> Int in
                r.append(got)
                return r.count - 1
            }
            let a = self.answer(index, got)
            self.concurrency.withLock { c in
                c.now += 1
                c.most = max(c.most, c.now)
            }
            if a.delay > .zero { try? await Task.sleep(for: a.delay) }
            self.concurrency.withLock { $0.now -= 1 }
            var fields = HTTPFields()
            for (name, value) in a.headers { if let n = HTTPField.Name(name) { fields[n] = value } }
            return Response(
                status: HTTPResponse.Status(code: a.status), headers: fields,
                body: .init(byteBuffer: ByteBuffer(string: a.body)))
        }
        router.post("/", use: handler)
        router.post("/**", use: handler)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            try await body("http://127.0.0.1:\(port)")
        }
    }
}
