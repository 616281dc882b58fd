/// Sample count, sum, minimum, maximum and distribution of a set of values: mergeable, so per-minute
/// sets add up to any longer period exactly.
public struct StatisticSet: Sendable, Equatable {
    public var sampleCount: Double
    public var sum: Double
    public var minimum: Double
    public var maximum: Double
    /// For percentiles.
    public var distribution: ValueDistribution

    /// A statistic set as PutMetricData's `StatisticValues` gives it: it has percentiles only when all
    /// its values are known (no values, or minimum equal to maximum), as in CloudWatch.
    public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
        let distribution: ValueDistribution =
            sampleCount == 0
            ? ValueDistribution()
            : minimum == maximum ? ValueDistribution(value: minimum, count: sampleCount) : .unavailable
        self.init(sampleCount: sampleCount, sum: sum, minimum: minimum, maximum: maximum, distribution: distribution)
    }

    public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double, distribution: ValueDistribution) {
        self.sampleCount = sampleCount
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.distribution = distribution
    }

    /// One value observed `count` times.
    public init(value: Double, count: Double = 1) {
        self.init(
            sampleCount: count, sum: value * count, minimum: value, maximum: value,
            distribution: ValueDistribution(value: value, count: count))
    }

    /// No values yet (the start of a merge).
    public static let empty = StatisticSet(
        sampleCount: 0, sum: 0, minimum: .infinity, maximum: -.infinity, distribution: ValueDistribution())

    /// The `percent`th percentile, kept within the set's minimum and maximum; nil when unavailable.
    public func percentile(_ percent: Double) -> Double? {
        distribution.percentile(percent).map { Swift.min(Swift.max($0, minimum), maximum) }
    }

    public var average: Double { sampleCount > 0 ? sum / sampleCount : 0 }

    public mutating func merge(_ other: StatisticSet) {
        sampleCount += other.sampleCount
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        distribution.merge(other.distribution)
    }

    /// The value of `statistic` for this set.
    public func value(of statistic: Statistic) -> Double {
        switch statistic {
        case .sampleCount: sampleCount
        case .average: average
        case .sum: sum
        case .minimum: minimum
        case .maximum: maximum
        }
    }
}

/// CloudWatch's simple statistics, spelled as in the API.
public enum Statistic: String, Sendable, Codable, CaseIterable {
    case sampleCount = "SampleCount"
    case average = "Average"
    case sum = "Sum"
    case minimum = "Minimum"
    case maximum = "Maximum"
}
