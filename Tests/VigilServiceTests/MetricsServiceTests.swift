import Foundation
import Testing
import VigilAPI
import VigilMetrics
import VigilService
import VigilStore

/// PutMetricData, GetMetricStatistics, ListMetrics and GetMetricData as CloudWatch documents them.
struct MetricsServiceTests {
    static let now: Int64 = 1_795_600_020_000  // a minute boundary plus 20 s
    static let minute: Int64 = 60_000

    func service() throws -> MetricsService {
        MetricsService(store: try SQLiteLogStore(path: ":memory:"), now: { Self.now })
    }

    static let invalidData: [(String, String, [CloudWatch.MetricDatum], String, String)] = [
        (
            "a namespace starting with AWS/", "AWS/EC2", [CloudWatch.MetricDatum.at("m", value: 1)],
            "InvalidParameterValue", "reserved for AWS services"
        ),
        (
            "an empty namespace", "", [CloudWatch.MetricDatum.at("m", value: 1)], "InvalidParameterValue",
            "Namespace must be 1 to 255"
        ),
        ("no data", "App", [], "MissingParameter", "MetricData is required"),
        (
            "more than 1000 data", "App", Array(repeating: CloudWatch.MetricDatum.at("m", value: 1), count: 1001),
            "InvalidParameterValue", "greater than 1000"
        ),
        (
            "an empty metric name", "App", [CloudWatch.MetricDatum.at("", value: 1)], "InvalidParameterValue",
            "MetricData.member.2.MetricName"
        ),
        (
            "31 dimensions", "App",
            [CloudWatch.MetricDatum.at("m", dimensions: (0..<31).map { .init(name: "d\($0)", value: "v") }, value: 1)],
            "InvalidParameterValue", "greater than 30"
        ),
        (
            "a repeated dimension", "App",
            [
                CloudWatch.MetricDatum.at(
                    "m", dimensions: [.init(name: "a", value: "1"), .init(name: "a", value: "2")], value: 1)
            ],
            "InvalidParameterValue", "more than once"
        ),
        (
            "Value and Values together", "App", [CloudWatch.MetricDatum.at("m", value: 1, values: [1])],
            "InvalidParameterCombination", "mutually exclusive"
        ),
        (
            "Counts without Values", "App", [CloudWatch.MetricDatum.at("m", value: 1, counts: [1])],
            "InvalidParameterCombination", "Counts requires"
        ),
        (
            "Values and Counts of different sizes", "App",
            [CloudWatch.MetricDatum.at("m", values: [1, 2], counts: [1])],
            "InvalidParameterCombination", "same size"
        ),
        (
            "more than 150 values", "App", [CloudWatch.MetricDatum.at("m", values: Array(repeating: 1, count: 151))],
            "InvalidParameterValue", "greater than 150"
        ),
        (
            "no value at all", "App", [CloudWatch.MetricDatum.at("m")], "InvalidParameterCombination",
            "must be specified"
        ),
        ("NaN", "App", [CloudWatch.MetricDatum.at("m", value: .nan)], "InvalidParameterValue", "-2^360 to 2^360"),
        ("2^361", "App", [CloudWatch.MetricDatum.at("m", value: 0x1p361)], "InvalidParameterValue", "-2^360 to 2^360"),
        (
            "a statistic set with minimum above maximum", "App",
            [
                CloudWatch.MetricDatum.at(
                    "m", statisticValues: StatisticSet(sampleCount: 2, sum: 3, minimum: 2, maximum: 1))
            ], "InvalidParameterValue", "Minimum"
        ),
        (
            "a timestamp more than two weeks old", "App",
            [CloudWatch.MetricDatum.at("m", timestamp: now - 15 * 86_400_000, value: 1)],
            "InvalidParameterValue", "two weeks in the past"
        ),
        (
            "a timestamp more than two hours ahead", "App",
            [CloudWatch.MetricDatum.at("m", timestamp: now + 3 * 3_600_000, value: 1)],
            "InvalidParameterValue", "two hours in the future"
        ),
        (
            "StorageResolution 5", "App", [CloudWatch.MetricDatum.at("m", value: 1, storageResolution: 5)],
            "InvalidParameterValue", "StorageResolution"
        ),
    ]

    @Test(
        "PutMetricData refuses invalid data with CloudWatch's error and stores nothing of the request",
        arguments: invalidData)
    func rejects(_ name: String, _ namespace: String, _ data: [CloudWatch.MetricDatum], _ code: String, _ text: String)
        async throws
    {
        let s = try service()
        let good = CloudWatch.MetricDatum.at("ok", value: 1)
        // A valid datum first: it must not be stored either.
        let error = await #expect(throws: CloudWatchError.self) {
            try await s.putMetricData(namespace: namespace, data: data.isEmpty ? [] : [good] + data)
        }
        #expect(error?.code.queryCode == code && error?.message.contains(text) == true, "\(error?.message ?? "")")
        #expect(try await s.listMetrics().metrics.isEmpty)
    }

    @Test("PutMetricData refuses an unknown unit as the request arrives, naming the datum, and stores nothing of it")
    func rejectsUnknownUnit() async throws {
        let s = try service()
        let error = await #expect(throws: CloudWatchError.self) {
            try await s.putMetricData(
                try APIInputs.cloudWatch(
                    CloudWatch.PutMetricDataInput.self,
                    #"{"Namespace": "App", "MetricData": [{"MetricName": "ok", "Value": 1}, {"MetricName": "m", "Value": 1, "Unit": "Furlongs"}]}"#
                ))
        }
        #expect(error?.code.queryCode == "InvalidParameterValue", "\(error?.message ?? "")")
        #expect(error?.message.contains("MetricData.member.2.Unit must be a value in the set") == true)
        #expect(try await s.listMetrics().metrics.isEmpty)
    }

    @Test("Value, Values with Counts and StatisticValues add up; percentiles are exact for few values")
    func statistics() async throws {
        let s = try service()
        let t = Self.now - 10 * Self.minute
        try await s.putMetricData(
            namespace: "App",
            data: [
                CloudWatch.MetricDatum.at("Latency", timestamp: t, value: 10, unit: .milliseconds),
                CloudWatch.MetricDatum.at(
                    "Latency", timestamp: t + 1_000, values: [20, 30, 400], counts: [5, 3, 1],
                    unit: .milliseconds),
                CloudWatch.MetricDatum.at(
                    "Latency", timestamp: t + 2_000,
                    statisticValues: StatisticSet(sampleCount: 2, sum: 100, minimum: 50, maximum: 50),
                    unit: .milliseconds),
            ])
        let r = try await s.getMetricStatistics(
            namespace: "App", metricName: "Latency", startTime: t - Self.minute, endTime: Self.now, period: 3600,
            statistics: ["SampleCount", "Sum", "Minimum", "Maximum", "Average"])
        #expect(r.datapoints.count == 1 && r.datapoints[0].unit == "Milliseconds")
        let expected: [String: Double] = [
            "SampleCount": 12, "Sum": 700, "Minimum": 10, "Maximum": 400, "Average": 700.0 / 12,
        ]
        #expect(r.datapoints[0].values == expected)
        let p = try await s.getMetricStatistics(
            namespace: "App", metricName: "Latency", startTime: t - Self.minute, endTime: Self.now, period: 3600,
            extendedStatistics: ["p50", "p90", "p99.9", "p0"])
        // Sorted: 10, 20×5, 30×3, 50×2, 400 (12 values): nearest ranks 6, 11, 12, 1.
        #expect(p.datapoints[0].values == ["p50": 20, "p90": 50, "p99.9": 400, "p0": 10])
    }

    @Test("a statistic set with different minimum and maximum has no percentiles, as in CloudWatch")
    func noPercentilesForSets() async throws {
        let s = try service()
        try await s.putMetricData(
            namespace: "App",
            data: [
                CloudWatch.MetricDatum.at(
                    "m", statisticValues: StatisticSet(sampleCount: 3, sum: 6, minimum: 1, maximum: 3))
            ])
        let p = try await s.getMetricStatistics(
            namespace: "App", metricName: "m", startTime: Self.now - 3_600_000, endTime: Self.now + 60_000, period: 60,
            extendedStatistics: ["p50"])
        #expect(p.datapoints.count == 1 && p.datapoints[0].values.isEmpty)
    }

    @Test("without Unit every unit is returned with its own datapoints; with Unit only that one")
    func units() async throws {
        let s = try service()
        try await s.putMetricData(
            namespace: "App",
            data: [
                CloudWatch.MetricDatum.at("m", value: 1, unit: .count),
                CloudWatch.MetricDatum.at("m", value: 5, unit: .seconds),
            ])
        let all = try await s.getMetricStatistics(
            namespace: "App", metricName: "m", startTime: Self.now - 3_600_000, endTime: Self.now + 60_000, period: 60,
            statistics: ["Sum"])
        #expect(
            all.datapoints.map(\.unit) == ["Count", "Seconds"] && all.datapoints.map { $0.values["Sum"] } == [1, 5])
        let one = try await s.getMetricStatistics(
            namespace: "App", metricName: "m", startTime: Self.now - 3_600_000, endTime: Self.now + 60_000, period: 60,
            statistics: ["Sum"], unit: "Seconds")
        #expect(one.datapoints.map(\.unit) == ["Seconds"])
    }

    @Test("GetMetricStatistics checks its parameters as CloudWatch does")
    func statisticsParameters() async throws {
        let s = try service()
        func code(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch { return (error as? CloudWatchError)?.code.queryCode }
        }
        let start = Self.now - 3_600_000
        #expect(
            await code {
                _ = try await s.getMetricStatistics(
                    namespace: "App", metricName: "m", startTime: start, endTime: Self.now, period: 60)
            } == "InvalidParameterCombination")
        #expect(
            await code {
                _ = try await s.getMetricStatistics(
                    namespace: "App", metricName: "m", startTime: start, endTime: Self.now, period: 60,
                    statistics: ["Sum"], extendedStatistics: ["p9"])
            } == "InvalidParameterCombination")
        #expect(
            await code {
                _ = try await s.getMetricStatistics(
                    namespace: "App", metricName: "m", startTime: start, endTime: Self.now, period: 90,
                    statistics: ["Sum"])
            } == "InvalidParameterValue")
        #expect(
            await code {
                _ = try await s.getMetricStatistics(
                    namespace: "App", metricName: "m", startTime: start, endTime: Self.now, period: 60,
                    statistics: ["Median"])
            } == "InvalidParameterValue")
        #expect(
            await code {
                _ = try await s.getMetricStatistics(
                    namespace: "App", metricName: "m", startTime: start, endTime: Self.now, period: 60,
                    extendedStatistics: ["p100.5"])
            } == "InvalidParameterValue")
        #expect(
            await code {
                _ = try await s.getMetricStatistics(
                    namespace: "App", metricName: "m", startTime: Self.now - 2 * 86_400_000, endTime: Self.now,
                    period: 60, statistics: ["Sum"])
            } == "InvalidParameterCombination")
        #expect(
            await code {
                _ = try await s.getMetricStatistics(
                    namespace: "App", metricName: "m", startTime: Self.now, endTime: start, period: 60,
                    statistics: ["Sum"])
            } == "InvalidParameterValue")
    }

    @Test("high-resolution data answers periods under a minute for 3 hours; regular data does not")
    func highResolution() async throws {
        let s = try service()
        let t = Self.now - 20_000  // a minute boundary
        try await s.putMetricData(
            namespace: "App",
            data: [1, 4, 12, 15].map {
                CloudWatch.MetricDatum.at("hr", timestamp: t + Int64($0) * 1000, value: 1, storageResolution: 1)
            }
                + [CloudWatch.MetricDatum.at("lr", timestamp: t, value: 1)])
        let hr = try await s.getMetricStatistics(
            namespace: "App", metricName: "hr", startTime: t, endTime: t + 60_000, period: 10, statistics: ["Sum"])
        #expect(hr.datapoints.map(\.timestamp) == [t, t + 10_000] && hr.datapoints.map { $0.values["Sum"] } == [2, 2])
        let lr = try await s.getMetricStatistics(
            namespace: "App", metricName: "lr", startTime: t, endTime: t + 60_000, period: 10, statistics: ["Sum"])
        #expect(lr.datapoints.isEmpty)
    }

    @Test("data older than 15 days is only returned for periods that are multiples of 5 minutes")
    func periodByAge() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let s = MetricsService(store: store, now: { Self.now })
        let old = Period.floor(Self.now - 20 * 86_400_000, to: 3_600_000)
        var a = MinuteAggregator()
        a.add(MetricDatapoint(key: MetricKey(namespace: "App", name: "m"), timestamp: old, value: 3))
        try await store.record(a, now: old)
        let fine = try await s.getMetricStatistics(
            namespace: "App", metricName: "m", startTime: old, endTime: old + 3_600_000, period: 60, statistics: ["Sum"]
        )
        let coarse = try await s.getMetricStatistics(
            namespace: "App", metricName: "m", startTime: old, endTime: old + 3_600_000, period: 300,
            statistics: ["Sum"])
        #expect(fine.datapoints.isEmpty && coarse.datapoints.map { $0.values["Sum"] } == [3])
    }

    @Test("ListMetrics filters by namespace, name, dimensions and recent activity, merges units, and pages by 500")
    func listMetrics() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let s = MetricsService(store: store, now: { Self.now })
        try await s.putMetricData(
            namespace: "App",
            data: [
                CloudWatch.MetricDatum.at(
                    "Errors", dimensions: [.init(name: "Service", value: "api")], value: 1, unit: .count),
                CloudWatch.MetricDatum.at(
                    "Errors", dimensions: [.init(name: "Service", value: "api")], value: 1, unit: .noUnit),
                CloudWatch.MetricDatum.at("Errors", dimensions: [.init(name: "Service", value: "web")], value: 1),
                CloudWatch.MetricDatum.at("Latency", value: 1),
            ])
        #expect(try await s.listMetrics(namespace: "App").metrics.count == 3)
        #expect(
            try await s.listMetrics(metricName: "Errors", dimensions: [(name: "Service", value: nil)]).metrics.count
                == 2)
        #expect(
            try await s.listMetrics(dimensions: [(name: "Service", value: "web")]).metrics.map(
                \.dimensions[0].value) == ["web"])
        var old = MinuteAggregator()
        old.add(
            MetricDatapoint(key: MetricKey(namespace: "Old", name: "m"), timestamp: Self.now - 86_400_000, value: 1))
        try await store.record(old, now: Self.now - 4 * 3_600_000)
        #expect(try await s.listMetrics(recentlyActive: "PT3H").metrics.allSatisfy { $0.namespace == "App" })
        #expect(try await s.listMetrics().metrics.count == 4)
        var many = MinuteAggregator()
        for k in 0..<501 {
            many.add(MetricDatapoint(key: MetricKey(namespace: "Many", name: "m\(k)"), timestamp: Self.now, value: 1))
        }
        try await store.record(many, now: Self.now)
        let first = try await s.listMetrics(namespace: "Many")
        #expect(first.metrics.count == 500 && first.nextToken != nil)
        let second = try await s.listMetrics(namespace: "Many", nextToken: first.nextToken)
        #expect(second.metrics.count == 1 && second.nextToken == nil)
        await #expect(throws: CloudWatchError(.invalidNextToken, "The NextToken is not one this service issued.")) {
            try await s.listMetrics(nextToken: "bogus")
        }
    }

    @Test("GetMetricData returns each query's values newest first, pages by MaxDatapoints, and checks ids")
    func getMetricData() async throws {
        let s = try service()
        let t = Period.floor(Self.now - 11 * Self.minute, to: 600_000)  // periods of 2 and 10 minutes start here
        try await s.putMetricData(
            namespace: "App",
            data: (0..<10).map {
                CloudWatch.MetricDatum.at("Latency", timestamp: t + Int64($0) * Self.minute, value: Double($0 + 1))
            })
        let metric = MetricKey(namespace: "App", name: "Latency")
        let queries = [
            MetricDataQuery(id: "sum", metric: metric, period: 120, stat: "Sum"),
            MetricDataQuery(id: "p90", metric: metric, period: 600, stat: "p90", label: "latency p90"),
            MetricDataQuery(id: "hidden", metric: metric, period: 60, stat: "Sum", returnData: false),
        ]
        let r = try await s.getMetricData(queries: queries, startTime: t, endTime: Self.now)
        #expect(r.results.map(\.id) == ["sum", "p90"] && r.nextToken == nil)
        #expect(r.results[0].values == [19, 15, 11, 7, 3] && r.results[0].timestamps.first == t + 8 * Self.minute)
        #expect(r.results[1].label == "latency p90" && r.results[1].values == [9] && r.results[0].label == "Latency")
        let up = try await s.getMetricData(queries: [queries[0]], startTime: t, endTime: Self.now, ascending: true)
        #expect(up.results[0].values == [3, 7, 11, 15, 19])
        let page1 = try await s.getMetricData(queries: queries, startTime: t, endTime: Self.now, maxDatapoints: 4)
        #expect(
            page1.results.map(\.statusCode) == ["PartialData", "PartialData"]
                && page1.results[0].values == [19, 15, 11, 7] && page1.results[1].values.isEmpty)
        let page2 = try await s.getMetricData(
            queries: queries, startTime: t, endTime: Self.now, maxDatapoints: 4, nextToken: page1.nextToken)
        #expect(
            page2.results.map(\.statusCode) == ["Complete", "Complete"] && page2.results[0].values == [3]
                && page2.results[1].values == [9] && page2.nextToken == nil)
        for bad in [
            MetricDataQuery(id: "Sum", metric: metric, period: 60, stat: "Sum"),
            MetricDataQuery(id: "m1", metric: metric, period: 60, stat: "p101"),
            MetricDataQuery(id: "e1", expression: "SUM(METRICS())"),
        ] {
            await #expect(throws: CloudWatchError.self) {
                try await s.getMetricData(queries: [bad], startTime: t, endTime: Self.now)
            }
        }
    }
}
