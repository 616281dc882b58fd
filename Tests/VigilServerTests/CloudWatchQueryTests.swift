import Foundation
import HTTPTypes
import Testing
import VigilAPI
import VigilPatterns
import VigilWire

@testable import VigilServer

/// CloudWatch on awsQuery, request and response as bytes: a form naming `Action` and
/// `Version=2010-08-01`, lists as `Name.member.N`, every value text; XML answers in CloudWatch's
/// namespace, errors as `<ErrorResponse>` with the query code.
struct CloudWatchQueryTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded; charset=utf-8"]

    static func query(_ send: RouterExchange.Send, _ text: String) async throws -> RouterExchange.Reply {
        let reply = try await send(.post, "/", form, Array("Version=2010-08-01&\(text)".utf8))
        #expect(reply.headers[.contentType] == "text/xml")
        return reply
    }

    @Test("a form's names make the tree of members: lists from member.N in index order, structures by name")
    func membersFromNames() throws {
        let tree = try AWSQueryMembers.tree([
            "Namespace": "App", "MetricData.member.2.MetricName": "B", "MetricData.member.1.MetricName": "A",
            "MetricData.member.1.Dimensions.member.1.Name": "Host",
            "MetricData.member.1.Dimensions.member.1.Value": "web-1", "MetricData.member.10.MetricName": "C",
            "MetricData.member.1.StatisticValues.Sum": "6",
        ])
        var bytes: [UInt8] = []
        AWSCLIJSON.write(tree, indent: nil, into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(
            text
                == #"{"MetricData":[{"Dimensions":[{"Name":"Host","Value":"web-1"}],"MetricName":"A","StatisticValues":{"Sum":"6"}},{"MetricName":"B"},{"MetricName":"C"}],"Namespace":"App"}"#
        )
    }

    @Test(arguments: [
        ("a..b", "has an empty part"), ("a.member.0.b", "numbers a list member '0'"),
        ("a.member.x", "numbers a list member 'x'"),
        (Array(repeating: "a", count: 33).joined(separator: "."), "has more than 32 parts"),
    ])
    func namesThatAreNoMemberPathAreRefused(_ name: String, _ reason: String) {
        #expect(throws: AWSQueryMembers.MalformedName.self) { try AWSQueryMembers.tree([name: "v"]) }
        do {
            _ = try AWSQueryMembers.tree([name: "v"])
        } catch {
            #expect(error.reason.hasPrefix(reason))
        }
    }

    @Test("PutMetricData then GetMetricStatistics: numbers from text, the datapoint in XML with an ISO 8601 Timestamp")
    func metricsRoundTrip() async throws {
        try await RouterExchange.withServer { send in
            let minute = (Int64(Date().timeIntervalSince1970) / 60 - 2) * 60
            func iso(_ seconds: Int64) -> String {
                ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            }
            let put = try await Self.query(
                send,
                "Action=PutMetricData&Namespace=App&MetricData.member.1.MetricName=Errors&MetricData.member.1.Value=3&MetricData.member.1.Timestamp=\(iso(minute))&MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1.Value=web-1"
            )
            #expect(put.status == 200)
            #expect(
                put.text.hasPrefix(#"<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">"#)
                    && !put.text.contains("Result>") && put.text.contains("<RequestId>"), "\(put.text)")
            let got = try await Self.query(
                send,
                "Action=GetMetricStatistics&Namespace=App&MetricName=Errors&Dimensions.member.1.Name=Host&Dimensions.member.1.Value=web-1&StartTime=\(iso(minute - 600))&EndTime=\(iso(minute + 60))&Period=60&Statistics.member.1=Sum&Statistics.member.2=SampleCount"
            )
            #expect(got.status == 200, "\(got.text)")
            #expect(
                got.text.contains("<GetMetricStatisticsResult><Label>Errors</Label><Datapoints><member>"), "\(got.text)"
            )
            #expect(got.text.contains("<Timestamp>\(iso(minute).dropLast())"), "\(got.text)")
            #expect(
                got.text.contains("<Sum>3.0</Sum>") && got.text.contains("<SampleCount>1.0</SampleCount>"),
                "\(got.text)")
        }
    }

    @Test("booleans and empty lists as text: ActionsEnabled=false, AlarmNames= (none)")
    func booleansAndEmptyLists() async throws {
        try await RouterExchange.withServer { send in
            let put = try await Self.query(
                send,
                "Action=PutMetricAlarm&AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=60&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold&ActionsEnabled=false&AlarmActions="
            )
            #expect(put.status == 200, "\(put.text)")
            let described = try await Self.query(send, "Action=DescribeAlarms&AlarmNames.member.1=a")
            #expect(described.text.contains("<ActionsEnabled>false</ActionsEnabled>"), "\(described.text)")
            #expect(described.text.contains("<AlarmActions></AlarmActions>"), "\(described.text)")
            #expect(described.text.contains("<Period>60</Period>"), "\(described.text)")
        }
    }

    @Test(arguments: [
        (
            "Action=PutMetricAlarm&AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=7&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold",
            400, "InvalidParameterValue", "Sender"
        ),
        (
            "Action=PutMetricAlarm&AlarmName=a&MetricName=M&Namespace=N&Statistic=Sum&Period=sixty&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold",
            400, "InvalidParameterValue", "Sender"
        ),
        ("Action=SetAlarmState&AlarmName=nope&StateValue=OK&StateReason=x", 404, "ResourceNotFound", "Sender"),
        ("Action=DescribeAlarms&MaxRecords=1e30", 400, "InvalidParameterValue", "Sender"),
        ("Action=PutMetricData&MetricData.member.1.MetricName=M", 400, "MissingParameter", "Sender"),
        ("Action=NoSuchThing", 400, "InvalidAction", "Sender"),
        ("Action=DescribeAlarms&AlarmNames.member.0=a", 400, "MalformedQueryString", "Sender"),
    ])
    func errorsAreErrorResponsesWithTheQueryCode(_ form: String, _ status: Int, _ code: String, _ type: String)
        async throws
    {
        try await RouterExchange.withServer { send in
            let reply = try await Self.query(send, form)
            #expect(reply.status == status, "\(reply.text)")
            #expect(
                reply.text.hasPrefix(#"<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">"#),
                "\(reply.text)")
            #expect(
                reply.text.contains("<Code>\(code)</Code>") && reply.text.contains("<Type>\(type)</Type>"),
                "\(reply.text)")
        }
    }

    @Test("XML content is escaped, and characters XML cannot carry are replaced")
    func escaping() {
        var out = ""
        AWSQueryResponse.xml(.object(JSONObject([JSONMember("Reason", .string("a<b & \"c\"\u{1}"))])), into: &out)
        #expect(out == "<Reason>a&lt;b &amp; &quot;c&quot;\u{FFFD}</Reason>")
        // A name no model has (the fuzzer built one from a form) cannot open or close an element.
        var named = ""
        AWSQueryResponse.xml(
            .object(JSONObject([JSONMember("Period<60", .string("x")), JSONMember("1a", .null)])), into: &named)
        #expect(named == "<Period_60>x</Period_60>")
    }
}
