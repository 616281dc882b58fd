/// One observation of a metric at a time (milliseconds since the epoch), possibly already aggregated.
public struct MetricDatapoint: Sendable, Equatable {
    public let key: MetricKey
    public let timestamp: Int64
    public let values: StatisticSet

    public init(key: MetricKey, timestamp: Int64, value: Double) {
        self.key = key
        self.timestamp = timestamp
        self.values = StatisticSet(value: value)
    }

    public init(key: MetricKey, timestamp: Int64, values: StatisticSet) {
        self.key = key
        self.timestamp = timestamp
        self.values = values
    }
}

/// Folds datapoints into one ``StatisticSet`` per metric and minute, the unit the store keeps (and per
/// second too, for high-resolution datapoints).
public struct MinuteAggregator: Sendable {
    /// Minute start (epoch milliseconds, a multiple of 60,000) → set, per metric.
    public private(set) var minutes: [MetricKey: [Int64: StatisticSet]] = [:]
    /// Second start → set, per metric, for datapoints stored at 1-second resolution.
    public private(set) var seconds: [MetricKey: [Int64: StatisticSet]] = [:]
    public private(set) var count = 0

    public init() {}

    /// Adds `datapoint` to its minute, and to its second when `highResolution` (StorageResolution 1).
    public mutating func add(_ datapoint: MetricDatapoint, highResolution: Bool = false) {
        let minute = Period.floor(datapoint.timestamp, to: 60_000)
        minutes[datapoint.key, default: [:]][minute, default: .empty].merge(datapoint.values)
        if highResolution {
            seconds[datapoint.key, default: [:]][Period.floor(datapoint.timestamp, to: 1000), default: .empty].merge(
                datapoint.values)
        }
        count += 1
    }

    public var isEmpty: Bool { minutes.isEmpty }
}

/// Period arithmetic on epoch milliseconds.
public enum Period {
    /// The start of the period of length `length` (ms) holding `timestamp`, aligned to the epoch.
    public static func floor(_ timestamp: Int64, to length: Int64) -> Int64 {
        let r = timestamp % length
        return r >= 0 ? timestamp - r : timestamp - r - length
    }
}
