import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigilServer
import VigilStore

/// CloudWatch on awsJson 1.0 as boto3 sends it (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`,
/// `x-amzn-query-mode: true`): timestamps as epoch seconds, and every error carrying its awsQuery code
/// in `x-amzn-query-error`, which botocore needs to raise the modeled exception.
struct CloudWatchJSONTests {
    static let target = HTTPField.Name("X-Amz-Target")!
    static let queryMode = HTTPField.Name("x-amzn-query-mode")!
    static let queryError = HTTPField.Name("x-amzn-query-error")!

    struct Reply {
        let status: Int
        let queryError: String?
        let json: [String: Any]
    }

    static func withServer(_ body: @Sendable (_ call: (String, String) async throws -> Reply) async throws -> Void)
        async throws
    {
        try await RouterExchange.withServer { send in
            try await withoutActuallyEscaping(send) { send in
                try await body { operation, json in
                    let reply = try await send(
                        .post, "/",
                        [
                            Self.target: "GraniteServiceVersion20100801.\(operation)",
                            .contentType: "application/x-amz-json-1.0", Self.queryMode: "true",
                        ], Array(json.utf8))
                    #expect(reply.headers[.contentType] == "application/x-amz-json-1.0")
                    return Reply(status: reply.status, queryError: reply.headers[Self.queryError], json: reply.json)
                }
            }
        }
    }

    @Test("PutMetricData then GetMetricStatistics: the datapoint's Timestamp is epoch seconds on the wire")
    func metricsRoundTrip() async throws {
        try await Self.withServer { call in
            let minute = (Int64(Date().timeIntervalSince1970) / 60 - 2) * 60
            let put = try await call(
                "PutMetricData",
                #"{"Namespace":"App","MetricData":[{"MetricName":"Errors","Value":3,"Timestamp":\#(minute)}]}"#)
            #expect(put.status == 200 && put.json.isEmpty)
            let got = try await call(
                "GetMetricStatistics",
                #"{"Namespace":"App","MetricName":"Errors","StartTime":\#(minute - 600),"EndTime":\#(minute + 60),"Period":60,"Statistics":["Sum"]}"#
            )
            let points = got.json["Datapoints"] as? [[String: Any]] ?? []
            #expect(points.count == 1)
            #expect((points.first?["Timestamp"] as? NSNumber)?.int64Value == minute)
            #expect(points.first?["Sum"] as? Double == 3)
        }
    }

    @Test(
        "errors carry __type, the status, and x-amzn-query-error with the query code and fault",
        arguments: [
            (
                "PutMetricAlarm",
                #"{"AlarmName":"a","MetricName":"m","Namespace":"n","Statistic":"Sum","Period":7,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold"}"#,
                400, "InvalidParameterValueException", "InvalidParameterValue;Sender"
            ),
            (
                "SetAlarmState", #"{"AlarmName":"nope","StateValue":"OK","StateReason":"x"}"#, 404, "ResourceNotFound",
                "ResourceNotFound;Sender"
            ),
            (
                "PutMetricData", #"{"MetricData":[]}"#, 400, "MissingRequiredParameterException",
                "MissingParameter;Sender"
            ),
            ("PutMetricData", #"{"Namespace":"#, 400, "SerializationException", "SerializationException;Sender"),
            ("NoSuchOperation", "{}", 400, "UnknownOperationException", "InvalidAction;Sender"),
        ])
    func errors(_ operation: String, _ body: String, _ status: Int, _ type: String, _ queryError: String)
        async throws
    {
        try await Self.withServer { call in
            let reply = try await call(operation, body)
            #expect(reply.status == status, "\(operation)")
            #expect(reply.json["__type"] as? String == type, "\(reply.json)")
            #expect(reply.queryError == queryError)
        }
    }

    @Test("an alarm is stored, described with its ARN and state, and its history lists the manual change")
    func alarms() async throws {
        try await Self.withServer { call in
            let put = try await call(
                "PutMetricAlarm",
                #"{"AlarmName":"errs","MetricName":"Errors","Namespace":"App","Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanOrEqualToThreshold"}"#
            )
            #expect(put.status == 200)
            let set = try await call(
                "SetAlarmState", #"{"AlarmName":"errs","StateValue":"ALARM","StateReason":"test"}"#)
            #expect(set.status == 200)
            let described = try await call("DescribeAlarms", #"{"AlarmNames":["errs"]}"#)
            let alarm = (described.json["MetricAlarms"] as? [[String: Any]])?.first ?? [:]
            #expect(alarm["StateValue"] as? String == "ALARM")
            #expect((alarm["AlarmArn"] as? String)?.hasSuffix(":alarm:errs") == true)
            #expect(alarm["StateUpdatedTimestamp"] is NSNumber)
            let history = try await call(
                "DescribeAlarmHistory", #"{"AlarmName":"errs","HistoryItemType":"StateUpdate"}"#)
            let items = history.json["AlarmHistoryItems"] as? [[String: Any]] ?? []
            #expect(items.first?["HistorySummary"] as? String == "Alarm updated from INSUFFICIENT_DATA to ALARM")
        }
    }
}
