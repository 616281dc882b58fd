import Foundation
import VigilAPI
import VigilMetrics
import VigilPatterns
import VigilService

/// Inputs as a client sends them: JSON decoded by the API decoder, its problems reported as the
/// service's errors (what a value the typed inputs cannot hold, such as a unit "Furlongs", meets).
enum APIInputs {
    static func cloudWatch<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        do { return try APIDecoder.decode(type, from: Array(json.utf8)) } catch { throw CloudWatchError(error) }
    }

    static func cloudWatchLogs<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        do { return try APIDecoder.decode(type, from: Array(json.utf8)) } catch { throw CloudWatchLogsError(error) }
    }

    /// Strings of a closed set, decoded as a client's JSON would be (an unknown one is CloudWatch's error).
    static func values<T: Decodable>(_ type: T.Type, _ strings: [String], member: String) throws -> [T]? {
        guard !strings.isEmpty else { return nil }
        var out: [T] = []
        for (k, s) in strings.enumerated() {
            do {
                out.append(try APIDecoder.decode(type, from: .string(s), at: [.member("\(member).member.\(k + 1)")]))
            } catch {
                throw CloudWatchError(error)
            }
        }
        return out
    }
}

extension CloudWatch.MetricDatum {
    /// A datum, its timestamp in milliseconds (nil: the time of the call).
    static func at(
        _ name: String, dimensions: [MetricKey.Dimension] = [], timestamp: Int64? = nil, value: Double? = nil,
        statisticValues: StatisticSet? = nil, values: [Double]? = nil, counts: [Double]? = nil,
        unit: CloudWatch.StandardUnit? = nil, storageResolution: Int32? = nil
    ) -> CloudWatch.MetricDatum {
        CloudWatch.MetricDatum(
            metricName: name,
            dimensions: dimensions.isEmpty ? nil : dimensions.map { .init(name: $0.name, value: $0.value) },
            timestamp: timestamp.map { Timestamp(millisecondsSinceEpoch: $0) }, value: value,
            statisticValues: statisticValues.map {
                .init(sampleCount: $0.sampleCount, sum: $0.sum, minimum: $0.minimum, maximum: $0.maximum)
            }, values: values, counts: counts, unit: unit, storageResolution: storageResolution)
    }
}

/// A GetMetricStatistics datapoint read back as the tests compare it: time, unit, values by statistic.
struct StatisticsPoint: Equatable {
    let timestamp: Int64
    let unit: String
    let values: [String: Double]
}

/// One GetMetricData result read back as the tests compare it.
struct DataResult: Equatable {
    let id: String
    let label: String
    let timestamps: [Int64]
    let values: [Double]
    let statusCode: String
}

/// A MetricStat query on one metric (GetMetricData's MetricDataQuery), or an expression.
struct MetricDataQuery {
    var id: String
    var metric: MetricKey?
    var period: Int32?
    var stat: String?
    var expression: String?
    var label: String?
    var returnData: Bool?

    init(
        id: String, metric: MetricKey? = nil, period: Int32? = nil, stat: String? = nil, expression: String? = nil,
        label: String? = nil, returnData: Bool? = nil
    ) {
        (self.id, self.metric, self.period, self.stat) = (id, metric, period, stat)
        (self.expression, self.label, self.returnData) = (expression, label, returnData)
    }

    var input: CloudWatch.MetricDataQuery {
        CloudWatch.MetricDataQuery(
            id: id,
            metricStat: metric.map { m in
                CloudWatch.MetricStat(
                    metric: .init(
                        namespace: m.namespace, metricName: m.name,
                        dimensions: m.dimensions.map { .init(name: $0.name, value: $0.value) }),
                    period: period ?? 60, stat: stat ?? "")
            }, expression: expression, label: label, returnData: returnData)
    }
}

extension MetricsService {
    /// PutMetricData of `data` in `namespace`.
    func putMetricData(namespace: String, data: [CloudWatch.MetricDatum]) async throws {
        try await putMetricData(.init(namespace: namespace, metricData: data))
    }

    /// GetMetricStatistics with its parameters as the aws CLI's flags give them.
    func getMetricStatistics(
        namespace: String, metricName: String, dimensions: [MetricKey.Dimension] = [], startTime: Int64, endTime: Int64,
        period: Int, statistics: [String] = [], extendedStatistics: [String] = [], unit: String? = nil
    ) async throws -> (label: String, datapoints: [StatisticsPoint]) {
        let output = try await getMetricStatistics(
            CloudWatch.GetMetricStatisticsInput(
                namespace: namespace, metricName: metricName,
                dimensions: dimensions.isEmpty ? nil : dimensions.map { .init(name: $0.name, value: $0.value) },
                startTime: Timestamp(millisecondsSinceEpoch: startTime),
                endTime: Timestamp(millisecondsSinceEpoch: endTime),
                period: Int32(period),
                statistics: try APIInputs.values(CloudWatch.Statistic.self, statistics, member: "Statistics"),
                extendedStatistics: extendedStatistics.isEmpty ? nil : extendedStatistics,
                unit: try unit.map { try APIInputs.values(CloudWatch.StandardUnit.self, [$0], member: "Unit")?.first }
                    ?? nil))
        return (
            output.label ?? "",
            (output.datapoints ?? []).map { p in
                var values = p.extendedStatistics ?? [:]
                for (name, v) in [
                    ("SampleCount", p.sampleCount), ("Average", p.average), ("Sum", p.sum), ("Minimum", p.minimum),
                    ("Maximum", p.maximum),
                ] {
                    if let v { values[name] = v }
                }
                return StatisticsPoint(
                    timestamp: p.timestamp?.millisecondsSinceEpoch ?? 0, unit: p.unit?.rawValue ?? "", values: values)
            }
        )
    }

    /// ListMetrics, its metrics read back as keys.
    func listMetrics(
        namespace: String? = nil, metricName: String? = nil, dimensions: [(name: String, value: String?)] = [],
        recentlyActive: String? = nil, nextToken: String? = nil
    ) async throws -> (metrics: [MetricKey], nextToken: String?) {
        let output = try await listMetrics(
            CloudWatch.ListMetricsInput(
                namespace: namespace, metricName: metricName,
                dimensions: dimensions.map { .init(name: $0.name, value: $0.value) }, nextToken: nextToken,
                recentlyActive: try recentlyActive.map {
                    try APIInputs.values(CloudWatch.RecentlyActive.self, [$0], member: "RecentlyActive")?.first
                } ?? nil))
        return (
            (output.metrics ?? []).map { m in
                MetricKey(
                    namespace: m.namespace ?? "", name: m.metricName ?? "",
                    dimensions: (m.dimensions ?? []).map { MetricKey.Dimension(name: $0.name, value: $0.value) })
            }, output.nextToken
        )
    }

    /// GetMetricData, its results read back for comparison.
    func getMetricData(
        queries: [MetricDataQuery], startTime: Int64, endTime: Int64, ascending: Bool = false,
        maxDatapoints: Int32? = nil, nextToken: String? = nil
    ) async throws -> (results: [DataResult], nextToken: String?) {
        let output = try await getMetricData(
            CloudWatch.GetMetricDataInput(
                metricDataQueries: queries.map(\.input), startTime: Timestamp(millisecondsSinceEpoch: startTime),
                endTime: Timestamp(millisecondsSinceEpoch: endTime), nextToken: nextToken,
                scanBy: ascending ? .timestampAscending : nil, maxDatapoints: maxDatapoints))
        return (
            (output.metricDataResults ?? []).map { r in
                DataResult(
                    id: r.id ?? "", label: r.label ?? "",
                    timestamps: (r.timestamps ?? []).map(\.millisecondsSinceEpoch),
                    values: r.values ?? [], statusCode: r.statusCode?.rawValue ?? "")
            }, output.nextToken
        )
    }
}

extension CloudWatch.DescribeAlarmsOutput {
    /// The names of the alarms described, metric and composite together, in name order.
    var names: [String] {
        ((metricAlarms ?? []).compactMap(\.alarmName) + (compositeAlarms ?? []).compactMap(\.alarmName)).sorted()
    }
}

extension Array where Element == CloudWatch.Tag {
    var dictionary: [String: String] { Dictionary(map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }) }
}
