import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigilServer
import VigilService
import VigilStore

/// CloudWatch Logs on awsJson 1.1, request and response as bytes: `POST /` with `X-Amz-Target:
/// Logs_20140328.<Operation>`, JSON bodies, errors as `{"__type", "message"}` with AWS's status.
struct CloudWatchLogsJSONTests {
    static let target = HTTPField.Name("X-Amz-Target")!

    struct Reply {
        let status: Int
        let contentType: String?
        let json: [String: Any]
    }

    /// Runs `body` against a server over an in-memory store, through Hummingbird's router test client.
    static func withServer(_ body: @Sendable (_ call: (String, String) async throws -> Reply) async throws -> Void)
        async throws
    {
        try await RouterExchange.withServer { send in
            try await withoutActuallyEscaping(send) { send in
                try await body { target, json in
                    let reply = try await send(
                        .post, "/", [Self.target: target, .contentType: "application/x-amz-json-1.1"], Array(json.utf8))
                    return Reply(status: reply.status, contentType: reply.headers[.contentType], json: reply.json)
                }
            }
        }
    }

    @Test("a log group is created, described with its ARN, and a second create is AWS's error")
    func createAndDescribe() async throws {
        try await Self.withServer { call in
            let created = try await call("Logs_20140328.CreateLogGroup", #"{"logGroupName":"app"}"#)
            #expect(created.status == 200 && created.json.isEmpty)
            #expect(created.contentType == "application/x-amz-json-1.1")
            let again = try await call("Logs_20140328.CreateLogGroup", #"{"logGroupName":"app"}"#)
            #expect(again.status == 400)
            #expect(again.json["__type"] as? String == "ResourceAlreadyExistsException")
            #expect(again.json["message"] as? String == "The specified log group already exists")
            let described = try await call("Logs_20140328.DescribeLogGroups", "")
            let groups = described.json["logGroups"] as? [[String: Any]] ?? []
            #expect(groups.map { $0["logGroupName"] as? String } == ["app"])
            #expect((groups.first?["arn"] as? String)?.hasSuffix(":log-group:app:*") == true)
        }
    }

    @Test("PutLogEvents stores a batch and reports rejected events; GetLogEvents returns them in order")
    func putAndGet() async throws {
        try await Self.withServer { call in
            _ = try await call("Logs_20140328.CreateLogGroup", #"{"logGroupName":"app"}"#)
            _ = try await call("Logs_20140328.CreateLogStream", #"{"logGroupName":"app","logStreamName":"s"}"#)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let put = try await call(
                "Logs_20140328.PutLogEvents",
                #"{"logGroupName":"app","logStreamName":"s","logEvents":[{"timestamp":\#(now - 20 * 86_400_000),"message":"old"},{"timestamp":\#(now),"message":"one"},{"timestamp":\#(now + 1),"message":"two \u00e9"}]}"#
            )
            #expect(put.status == 200)
            #expect((put.json["rejectedLogEventsInfo"] as? [String: Any])?["tooOldLogEventEndIndex"] as? Int == 1)
            let token = try #require(put.json["nextSequenceToken"] as? String)
            #expect(token.count == 56 && token.allSatisfy(\.isNumber))
            let got = try await call(
                "Logs_20140328.GetLogEvents", #"{"logGroupName":"app","logStreamName":"s","startFromHead":true}"#)
            let events = got.json["events"] as? [[String: Any]] ?? []
            #expect(events.map { $0["message"] as? String } == ["one", "two é"])
            #expect(events.first?["timestamp"] as? Int64 == now)
            #expect(got.json["nextForwardToken"] is String && got.json["nextBackwardToken"] is String)
        }
    }

    @Test(
        "requests that are not valid get the protocol's error shape and a 4xx",
        arguments: [
            ("Logs_20140328.CreateLogGroup", #"{"logGroupName":"#, 400, "SerializationException"),
            ("Logs_20140328.CreateLogGroup", #"{}"#, 400, "InvalidParameterException"),
            ("Logs_20140328.CreateLogGroup", #"{"logGroupName":5}"#, 400, "InvalidParameterException"),
            ("Logs_20140328.DescribeLogStreams", #"{"logGroupName":"missing"}"#, 400, "ResourceNotFoundException"),
            (
                "Logs_20140328.PutLogEvents", #"{"logGroupName":"g","logStreamName":"s","logEvents":[]}"#, 400,
                "InvalidParameterException"
            ),
            ("Logs_20140328.NoSuchOperation", "{}", 400, "UnknownOperationException"),
            ("", "{}", 400, "UnknownOperationException"),
            ("GraniteServiceVersion20100801.NoSuchOperation", "{}", 400, "UnknownOperationException"),
            ("Other_20200101.PutLogEvents", "{}", 400, "UnknownOperationException"),
            (
                "Logs_20140328.TestMetricFilter", #"{"filterPattern":"{ $.a = ","logEventMessages":["x"]}"#, 400,
                "InvalidParameterException"
            ),
        ])
    func errors(_ target: String, _ body: String, _ status: Int, _ type: String) async throws {
        try await Self.withServer { call in
            let reply = try await call(target, body)
            #expect(reply.status == status && reply.json["__type"] as? String == type, "\(target) \(body)")
            #expect((reply.json["message"] as? String)?.isEmpty == false)
        }
    }

    @Test("a body over the cap is refused with 413 before it is parsed")
    func bodyCap() async throws {
        try await Self.withServer { call in
            let big = String(repeating: " ", count: (1 << 20) + 1)
            let reply = try await call("Logs_20140328.DescribeLogGroups", big)
            #expect(reply.status == 413 && reply.json["__type"] as? String == "SerializationException")
        }
    }

    @Test("GET /_vigil/health answers ok")
    func health() async throws {
        let server = VigilHTTPServer(store: try SQLiteLogStore(path: ":memory:"), logger: Logger(label: "test"))
        try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            try await client.execute(uri: "/_vigil/health", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body) == "ok\n")
            }
        }
    }
}
