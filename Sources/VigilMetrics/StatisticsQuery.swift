/// Aggregates per-minute sets into CloudWatch periods, as GetMetricStatistics returns them.
public enum StatisticsQuery {
    /// One returned datapoint: the period start and its merged set.
    public struct PeriodResult: Sendable, Equatable {
        public let timestamp: Int64
        public let values: StatisticSet
        public init(timestamp: Int64, values: StatisticSet) {
            self.timestamp = timestamp
            self.values = values
        }
    }

    /// Merges `minutes` (minute start → set, any order) into periods of `periodSeconds` within
    /// [start, end), aligned to the epoch; periods without data are omitted, as CloudWatch does.
    public static func periods(_ minutes: [(Int64, StatisticSet)], start: Int64, end: Int64, periodSeconds: Int)
        -> [PeriodResult]
    {
        let length = Int64(periodSeconds) * 1000
        var byPeriod: [Int64: StatisticSet] = [:]
        for (minute, set) in minutes where minute >= start && minute < end {
            let p = Period.floor(minute, to: length)
            byPeriod[p, default: .empty].merge(set)
        }
        return byPeriod.sorted { $0.key < $1.key }.map { PeriodResult(timestamp: $0.key, values: $0.value) }
    }
}
