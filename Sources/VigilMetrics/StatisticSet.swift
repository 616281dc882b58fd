/// Sample count, sum, minimum and maximum of a set of values: mergeable, so per-minute sets add up to
/// any longer period exactly.
public struct StatisticSet: Sendable, Equatable {
    public var sampleCount: Double
    public var sum: Double
    public var minimum: Double
    public var maximum: Double

    public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
        self.sampleCount = sampleCount
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
    }

    /// One value observed `count` times.
    public init(value: Double, count: Double = 1) {
        self.init(sampleCount: count, sum: value * count, minimum: value, maximum: value)
    }

    public var average: Double { sampleCount > 0 ? sum / sampleCount : 0 }

    public mutating func merge(_ other: StatisticSet) {
        sampleCount += other.sampleCount
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
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
public enum Statistic: String, Sendable, CaseIterable {
    case sampleCount = "SampleCount"
    case average = "Average"
    case sum = "Sum"
    case minimum = "Minimum"
    case maximum = "Maximum"
}
