import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigilServer
import VigilStore
import VigilWire

/// The bound on concurrent requests: capacity runs, the queue waits in order, the rest are refused.
struct RequestGateTests {
    @Test("with capacity 2 and a queue of 1: two run, one waits, the fourth is refused; leaving lets the waiter in")
    func capacityAndQueue() async throws {
        let gate = RequestGate(capacity: 2, queueLimit: 1)
        #expect(await gate.enter())
        #expect(await gate.enter())
        let waiter = Task { await gate.enter() }
        while await gate.load.waiting < 1 { await Task.yield() }
        #expect(await gate.enter() == false, "the queue is full")
        await gate.leave()
        #expect(await waiter.value, "the waiting request runs once a turn ends")
        #expect(await gate.load == (2, 0))
        await gate.leave()
        await gate.leave()
        #expect(await gate.load == (0, 0))
        #expect(await gate.enter())
    }

    @Test("waiters run in arrival order")
    func order() async throws {
        let gate = RequestGate(capacity: 1, queueLimit: 10)
        #expect(await gate.enter())
        var tasks: [Task<Int, Never>] = []
        let order = Recorder()
        for k in 0..<5 {
            tasks.append(
                Task {
                    _ = await gate.enter()
                    await order.record(k)
                    await gate.leave()
                    return k
                })
            while await gate.load.waiting < k + 1 { await Task.yield() }
        }
        await gate.leave()
        for t in tasks { _ = await t.value }
        #expect(await order.values == [0, 1, 2, 3, 4])
    }

    actor Recorder {
        var values: [Int] = []
        func record(_ v: Int) { values.append(v) }
    }
}

/// The gate on the HTTP path: a request that finds the gate full is answered 503 with `Retry-After`
/// in its protocol's error shape; once a turn ends, requests run again.
struct BusyServerTests {
    @Test(
        "a full gate answers 503 with Retry-After, ServiceUnavailableException, and the query code for CloudWatch",
        arguments: [
            ("Logs_20140328.DescribeLogGroups", "application/x-amz-json-1.1", nil),
            ("GraniteServiceVersion20100801.ListMetrics", "application/x-amz-json-1.0", "ServiceUnavailable;Receiver"),
        ] as [(String, String, String?)])
    func busy(_ target: String, _ contentType: String, _ queryError: String?) async throws {
        let gate = RequestGate(capacity: 1, queueLimit: 0)
        let server = VigilHTTPServer(
            store: try SQLiteLogStore(path: ":memory:"), logger: Logger(label: "test"), gate: gate)
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            #expect(await gate.enter())  // the one turn is taken
            try await client.execute(
                uri: "/", method: .post, headers: [HTTPField.Name("X-Amz-Target")!: target],
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status.code == 503)
                #expect(response.headers[HTTPField.Name("Retry-After")!] == "1")
                #expect(response.headers[.contentType] == contentType)
                #expect(response.headers[HTTPField.Name("x-amzn-query-error")!] == queryError)
                #expect(String(buffer: response.body).contains(#""__type":"ServiceUnavailableException""#))
            }
            await gate.leave()
            try await client.execute(
                uri: "/", method: .post, headers: [HTTPField.Name("X-Amz-Target")!: target],
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .ok)
            }
            #expect(await gate.load == (0, 0), "the request gave its turn back")
        }
    }

    @Test(
        "a full gate answers awsQuery with an ErrorResponse and RPC v2 CBOR with a CBOR map, both 503 with Retry-After",
        arguments: [
            (
                "/", [HTTPField.Name.contentType: "application/x-www-form-urlencoded"],
                "Action=ListMetrics&Version=2010-08-01", "text/xml"
            ),
            (
                "/service/GraniteServiceVersion20100801/operation/ListMetrics",
                [HTTPField.Name.contentType: "application/cbor", HTTPField.Name("smithy-protocol")!: "rpc-v2-cbor"],
                "", "application/cbor"
            ),
        ] as [(String, HTTPFields, String, String)])
    func busyOnTheOtherProtocols(_ uri: String, _ headers: HTTPFields, _ body: String, _ contentType: String)
        async throws
    {
        let gate = RequestGate(capacity: 1, queueLimit: 0)
        let server = VigilHTTPServer(
            store: try SQLiteLogStore(path: ":memory:"), logger: Logger(label: "test"), gate: gate)
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            #expect(await gate.enter())
            try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status.code == 503)
                #expect(response.headers[HTTPField.Name("Retry-After")!] == "1")
                #expect(response.headers[.contentType] == contentType)
                let bytes = Array(response.body.readableBytesView)
                if contentType == "text/xml" {
                    #expect(String(decoding: bytes, as: UTF8.self).contains("<Code>ServiceUnavailable</Code>"))
                } else {
                    #expect(
                        (try? CBOR.decode(bytes))?["__type"]
                            == .text("com.amazonaws.cloudwatch#ServiceUnavailableException"))
                    #expect(response.headers[HTTPField.Name("x-amzn-query-error")!] == "ServiceUnavailable;Receiver")
                }
            }
            await gate.leave()
            try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
                #expect($0.status == .ok)
            }
        }
    }
}
