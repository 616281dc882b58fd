import Foundation
import Synchronization
import Testing

@testable import VigilNotify

/// The libcurl client against a receiver on loopback: what it sends, what it reports back, and what
/// it refuses to do.
@Suite struct CurlClientTests {
    func request(_ url: String, _ body: String = "{}", headers: [(String, String)] = []) -> WebhookRequest {
        WebhookRequest(url: url, headers: headers.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8))
    }

    @Test func postsTheBodyAndHeadersAndReadsTheStatus() async throws {
        let receiver = TestReceiver { _, _ in .init(status: 201, headers: ["Retry-After": "7"], body: "thanks") }
        let client = CurlClient(userAgent: "Vigil-Test/1")
        try await receiver.serve { base in
            let r = await client.send(
                request(base + "/hook?x=1", "{\"a\":1}", headers: [("x-amz-sns-message-type", "Notification")]))
            let response = try r.get()
            #expect(response.status == 201)
            #expect(response.retryAfter == "7")
            #expect(String(decoding: response.body, as: UTF8.self) == "thanks")
        }
        await client.shutdown()
        let got = try #require(receiver.requests.first)
        #expect(got.path == "/hook")
        #expect(got.text == "{\"a\":1}")
        #expect(got.headers["x-amz-sns-message-type"] == "Notification")
        #expect(got.headers["user-agent"] == "Vigil-Test/1")
        #expect(got.headers["expect"] == nil)
    }

    @Test func keepsOnlyTheStartOfALongAnswer() async throws {
        let receiver = TestReceiver { _, _ in .init(body: String(repeating: "x", count: 100_000)) }
        let client = CurlClient()
        try await receiver.serve { base in
            var r = request(base + "/")
            r.maximumResponseBytes = 10
            let response = try await client.send(r).get()
            #expect(response.body == Array("xxxxxxxxxx".utf8))
        }
        await client.shutdown()
    }

    @Test func followsNoRedirect() async throws {
        let receiver = TestReceiver { i, _ in
            i == 0 ? .init(status: 302, headers: ["Location": "/elsewhere"]) : .init()
        }
        let client = CurlClient()
        try await receiver.serve { base in
            let status = try await client.send(request(base + "/")).get().status
            #expect(status == 302)
        }
        await client.shutdown()
        #expect(receiver.requests.count == 1)
    }

    @Test func aSlowReceiverTimesOut() async throws {
        let receiver = TestReceiver { _, _ in .init(delay: .seconds(1)) }
        let client = CurlClient()
        try await receiver.serve { base in
            var r = request(base + "/")
            r.totalTimeout = .milliseconds(300)
            #expect(await client.send(r) == .failure(.timeout))
        }
        await client.shutdown()
    }

    @Test func aClosedPortIsAConnectFailure() async throws {
        let client = CurlClient()
        // Port 1 on loopback: nothing listens there.
        let r = await client.send(request("http://127.0.0.1:1/"))
        guard case .failure(.connect) = r else {
            Issue.record("expected a connect failure, got \(r)")
            return
        }
        #expect(r.failureRetryable == true)
        await client.shutdown()
    }

    @Test func aDeniedAddressIsNeverConnectedTo() async throws {
        let receiver = TestReceiver()
        let policy = AddressPolicy(
            denied: AddressPolicy.defaultDenied + [try #require(AddressRange("127.0.0.0/8"))], allowed: [])
        let client = CurlClient(policy: policy)
        try await receiver.serve { base in
            let r = await client.send(request(base + "/"))
            #expect(r == .failure(.denied(address: "127.0.0.1")))
            #expect(r.failureRetryable == false)
            // A name resolving to the address is judged by the address.
            let port = base.split(separator: ":").last.map(String.init) ?? ""
            #expect(await client.send(request("http://localhost:\(port)/")).failureRetryable == false)
        }
        await client.shutdown()
        #expect(receiver.requests.isEmpty)
    }

    @Test(arguments: ["ftp://127.0.0.1/", "file:///etc/passwd", "http://exa mple.com/", "http://\u{e9}.com/"])
    func fetchesOnlyHTTPURLs(_ url: String) async {
        let client = CurlClient()
        let r = await client.send(request(url))
        guard case .failure(.invalidURL) = r else {
            Issue.record("expected an invalid URL failure for \(url), got \(r)")
            return
        }
        await client.shutdown()
    }

    @Test func aHeaderWithALineBreakIsNotSent() async throws {
        let receiver = TestReceiver()
        let client = CurlClient()
        try await receiver.serve { base in
            _ = try await client.send(request(base + "/", headers: [("x-a", "1\r\nx-injected: 2"), ("x-b", "2")])).get()
        }
        await client.shutdown()
        let got = try #require(receiver.requests.first)
        #expect(got.headers["x-injected"] == nil && got.headers["x-a"] == nil)
        #expect(got.headers["x-b"] == "2")
    }

    @Test func manyTransfersRunAtOnce() async throws {
        let receiver = TestReceiver { _, _ in .init(delay: .milliseconds(500)) }
        let client = CurlClient()
        try await receiver.serve { base in
            let results = await withTaskGroup(of: String.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        // Queued behind 16 connections; a loaded machine must not turn the wait into a timeout.
                        var r = self.request(base + "/\(i)")
                        r.connectTimeout = .seconds(60)
                        r.totalTimeout = .seconds(60)
                        switch await client.send(r) {
                        case .success(let answer): return "\(answer.status)"
                        case .failure(let failure): return failure.description
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(results == Array(repeating: "200", count: 40))
        }
        // Answers take 500 ms: requests overlapped, up to the 16 connections per host.
        let most = receiver.concurrency.withLock { $0.most }
        #expect(most > 1 && most <= CurlClient.maximumConnectionsPerHost)
        await client.shutdown()
        #expect(Set(receiver.requests.map(\.path)).count == 40)
    }

    @Test func afterShutdownNothingIsSent() async {
        let client = CurlClient()
        await client.shutdown()
        #expect(
            await client.send(request("http://127.0.0.1:1/"))
                == .failure(.transfer("the delivery client has shut down")))
    }
}

extension Result where Failure == TransferFailure {
    var failureRetryable: Bool? {
        if case .failure(let f) = self { return f.isRetryable }
        return nil
    }
}
