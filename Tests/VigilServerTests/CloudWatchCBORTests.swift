import Foundation
import HTTPTypes
import Testing
import VigilWire

@testable import VigilServer

/// CloudWatch on Smithy RPC v2 CBOR, request and response as bytes: `POST
/// /service/GraniteServiceVersion20100801/operation/<Operation>`, CBOR maps both ways, timestamps as
/// tag 1, `smithy-protocol: rpc-v2-cbor` on every response, errors with `__type` and `x-amzn-query-error`.
struct CloudWatchCBORTests {
    static let smithyProtocol = HTTPField.Name("smithy-protocol")!
    static let queryError = HTTPField.Name("x-amzn-query-error")!

    static func call(_ send: RouterExchange.Send, _ operation: String, _ body: CBOR?) async throws
        -> (RouterExchange.Reply, CBOR?)
    {
        let reply = try await send(
            .post, "/service/GraniteServiceVersion20100801/operation/\(operation)",
            [.contentType: "application/cbor", Self.smithyProtocol: "rpc-v2-cbor", .accept: "application/cbor"],
            body?.encoded ?? [])
        #expect(reply.headers[Self.smithyProtocol] == "rpc-v2-cbor")
        #expect(reply.headers[.contentType] == "application/cbor")
        return (reply, try? CBOR.decode(reply.body))
    }

    static func map(_ pairs: [(String, CBOR)]) -> CBOR { .map(pairs.map { CBOR.Pair(.text($0.0), $0.1) }) }

    @Test(
        "PutMetricData with a tag-1 timestamp, then GetMetricStatistics: the datapoint's Timestamp comes back as tag 1")
    func metricsRoundTrip() async throws {
        try await RouterExchange.withServer { send in
            let minute = UInt64(Date().timeIntervalSince1970) / 60 * 60 - 120
            let datum = Self.map([
                ("MetricName", .text("Errors")), ("Value", .float(3)), ("Timestamp", .tagged(1, .unsigned(minute))),
            ])
            let (put, putBody) = try await Self.call(
                send, "PutMetricData", Self.map([("Namespace", .text("App")), ("MetricData", .array([datum]))]))
            #expect(put.status == 200 && putBody == .map([]))
            let (got, body) = try await Self.call(
                send, "GetMetricStatistics",
                Self.map([
                    ("Namespace", .text("App")), ("MetricName", .text("Errors")),
                    ("StartTime", .tagged(1, .float(Double(minute) - 600))),
                    ("EndTime", .tagged(1, .unsigned(minute + 60))),
                    ("Period", .unsigned(60)), ("Statistics", .array([.text("Sum")])),
                ]))
            #expect(got.status == 200)
            guard case .array(let points)? = body?["Datapoints"], let point = points.first else {
                Issue.record("no datapoints: \(String(describing: body))")
                return
            }
            #expect(point["Timestamp"] == .tagged(1, .unsigned(minute)))
            #expect(point["Sum"] == .float(3))
            #expect(body?["Label"] == .text("Errors"))
        }
    }

    @Test("an error is a map of __type (the shape's id) and message, with x-amzn-query-error and AWS's status")
    func errors() async throws {
        try await RouterExchange.withServer { send in
            let (missing, body) = try await Self.call(
                send, "SetAlarmState",
                Self.map([("AlarmName", .text("nope")), ("StateValue", .text("OK")), ("StateReason", .text("x"))]))
            #expect(missing.status == 404)
            #expect(body?["__type"] == .text("com.amazonaws.cloudwatch#ResourceNotFound"))
            #expect(body?["message"] == .text("The alarm nope does not exist."))
            #expect(missing.headers[Self.queryError] == "ResourceNotFound;Sender")
            let (bad, badBody) = try await Self.call(
                send, "PutMetricData", Self.map([("Namespace", .text("App")), ("MetricData", .text("not a list"))]))
            #expect(bad.status == 400 && bad.headers[Self.queryError] == "InvalidParameterValue;Sender")
            #expect(badBody?["__type"] == .text("com.amazonaws.cloudwatch#InvalidParameterValueException"))
        }
    }

    @Test(
        "bodies that are not a CBOR map of named members are SerializationException; unknown operations 404",
        arguments: [[0x9F], [0x01], [0xA1, 0x01, 0x02], [0xA1, 0x61, 0x61, 0xF0], [0xA1, 0x61, 0x61]] as [[UInt8]])
    func malformed(_ body: [UInt8]) async throws {
        try await RouterExchange.withServer { send in
            let reply = try await send(
                .post, "/service/GraniteServiceVersion20100801/operation/ListMetrics",
                [.contentType: "application/cbor", Self.smithyProtocol: "rpc-v2-cbor"], body)
            #expect(reply.status == 400)
            #expect(
                (try? CBOR.decode(reply.body))?["__type"] == .text("com.amazonaws.cloudwatch#SerializationException"))
            let (unknown, unknownBody) = try await Self.call(send, "NoSuchOperation", .map([]))
            #expect(unknown.status == 404)
            #expect(unknownBody?["__type"] == .text("com.amazonaws.cloudwatch#UnknownOperationException"))
            let (logs, _) = try await Self.call(send, "../../Logs_20140328/operation/DescribeLogGroups", .map([]))
            #expect(logs.status == 404)
        }
    }
}
