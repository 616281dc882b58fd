import Testing
import VigilMetrics

/// Per-minute sets merge into CloudWatch periods exactly.
struct StatisticsQueryTests {
    let key = MetricKey(namespace: "CloudTrailMetrics", name: "ConsoleSignInFailureCount")

    @Test("datapoints fold into one set per metric and minute")
    func minuteAggregation() {
        var a = MinuteAggregator()
        for (t, v) in [(60_000, 1.0), (61_000, 3.0), (119_999, 2.0), (120_000, 5.0)] {
            a.add(MetricDatapoint(key: key, timestamp: Int64(t), value: v))
        }
        let first = a.minutes[key]?[60_000]
        #expect(
            first?.sampleCount == 3 && first?.sum == 6 && first?.minimum == 1 && first?.maximum == 3
                && first?.percentile(50) == 2)
        #expect(a.minutes[key]?[120_000] == StatisticSet(sampleCount: 1, sum: 5, minimum: 5, maximum: 5))
    }

    @Test("a 5-minute period merges its minutes; empty periods are omitted")
    func periods() {
        let minutes: [(Int64, StatisticSet)] = [
            (0, StatisticSet(value: 1)), (60_000, StatisticSet(value: 4)), (240_000, StatisticSet(value: 2, count: 3)),
            (600_000, StatisticSet(value: 9)),
        ]
        let result = StatisticsQuery.periods(minutes, start: 0, end: 900_000, periodSeconds: 300)
        #expect(result.map(\.timestamp) == [0, 600_000])
        let v = result[0].values
        #expect(v.sampleCount == 5 && v.sum == 11 && v.minimum == 1 && v.maximum == 4)
        // 1, 2, 2, 2, 4 by nearest rank
        #expect([0, 20, 21, 80, 81, 100].map { v.percentile($0) } == [1, 1, 2, 2, 4, 4])
        #expect(result[0].values.value(of: .average) == 11.0 / 5)
    }

    @Test("period starts align to the epoch, also before it")
    func alignment() {
        #expect(Period.floor(125_000, to: 60_000) == 120_000)
        #expect(Period.floor(-1, to: 60_000) == -60_000)
    }
}
