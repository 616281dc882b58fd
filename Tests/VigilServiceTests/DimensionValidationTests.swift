import Foundation
import Testing
import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilPatterns
import VigilService
import VigilStore

/// Dimensions are checked wherever they enter: PutMetricData, PutMetricAlarm, PutMetricFilter's names,
/// and the values a metric filter takes from log events (one event must not write into another series).
struct DimensionValidationTests {
    static let now: Int64 = 1_795_600_020_000

    @Test(
        "PutMetricData refuses a dimension CloudWatch would refuse, naming the member",
        arguments: [
            ("Role", "admin\nUser=bob", "MetricData.member.1.Dimensions.member.1.Value must not contain ASCII control"),
            ("Role", "naïve", "MetricData.member.1.Dimensions.member.1.Value must contain only ASCII"),
            (":Role", "x", "MetricData.member.1.Dimensions.member.1.Name must not start with ':'"),
            ("Role", "   ", "MetricData.member.1.Dimensions.member.1.Value must contain at least one non-whitespace"),
        ])
    func putMetricData(name: String, value: String, message: String) async throws {
        let s = MetricsService(store: try SQLiteLogStore(path: ":memory:"), now: { Self.now })
        let error = await #expect(throws: CloudWatchError.self) {
            try await s.putMetricData(
                namespace: "App",
                data: [CloudWatch.MetricDatum.at("m", dimensions: [.init(name: name, value: value)], value: 1)])
        }
        #expect(error?.code.queryCode == "InvalidParameterValue")
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test("PutMetricAlarm checks its dimensions by the same rules")
    func putMetricAlarm() throws {
        var input = AlarmsServiceTests.parameters()
        input.dimensions = [.init(name: "Role", value: "a\u{1}b")]
        #expect {
            _ = try MetricAlarm(validating: input)
        } throws: { error in
            (error as? CloudWatchError)?.message.contains("Dimensions.member.1.Value must not contain ASCII control")
                == true
        }
    }

    @Test("PutMetricFilter refuses a dimension name CloudWatch would refuse")
    func putMetricFilterName() async throws {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"), now: { Self.now })
        try await s.createLogGroup("g")
        let error = await #expect(throws: CloudWatchLogsError.self) {
            try await s.putMetricFilter(
                group: "g", name: "f", pattern: "{ $.role = * }",
                transformations: [
                    MetricTransformation(
                        metricName: "m", metricNamespace: "App", metricValue: "1", dimensions: [":Role": "$.role"])
                ])
        }
        #expect(error?.message.contains("the dimension name ':Role' in metricTransformations must not start") == true)
    }

    @Test("a log event whose dimension value CloudWatch would refuse is not counted, and the batch says so")
    func metricFilterValues() async throws {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"), now: { Self.now })
        try await s.createLogGroup("g")
        try await s.createLogStream(group: "g", name: "s")
        try await s.putMetricFilter(
            group: "g", name: "by-role", pattern: "{ $.role = * }",
            transformations: [
                MetricTransformation(
                    metricName: "Requests", metricNamespace: "App", metricValue: "1", dimensions: ["Role": "$.role"])
            ])
        let lines = [
            #"{"role":"admin"}"#, #"{"role":"admin\nUser=bob"}"#, #"{"role":"naïve"}"#, #"{"role":"admin"}"#,
            #"{"role":"user"}"#,
        ]
        let events = lines.enumerated().map {
            NewLogEvent(timestamp: Self.now - 1_000 + Int64($0.offset), message: Array($0.element.utf8))
        }
        let result = try await s.putLogEvents(group: "g", stream: "s", events: events)
        #expect(result.warnings.count == 1, "\(result.warnings)")
        #expect(result.warnings.first?.contains("value for dimension 'Role'") == true)
        let metrics = try await s.metrics.listMetrics(namespace: "App").metrics
        let roles = metrics.compactMap { $0.dimensions.first?.value }.sorted()
        #expect(roles == ["admin", "user"])
        let admin = try await s.metrics.getMetricStatistics(
            namespace: "App", metricName: "Requests", dimensions: [.init(name: "Role", value: "admin")],
            startTime: Self.now - 3_600_000, endTime: Self.now + 60_000, period: 3600, statistics: ["Sum"])
        #expect(admin.datapoints.first?.values["Sum"] == 2)
    }
}
