/// A statistic as GetMetricStatistics and GetMetricData name it: one of the five, or a percentile `pNN.NN`.
public enum MetricStatistic: Sendable, Hashable, CustomStringConvertible {
    case simple(Statistic)
    case percentile(Double, name: String)

    /// Parses `Sum`, `p99`, `p99.9`, `p0.0`, `p100`; nil for anything else.
    public init?(_ text: String) {
        if let s = Statistic(rawValue: text) {
            self = .simple(s)
            return
        }
        guard text.first == "p", let v = Double(text.dropFirst()), (0...100).contains(v),
            text.dropFirst().allSatisfy({ $0.isNumber || $0 == "." }),
            text.split(separator: ".").dropFirst().first.map({ $0.count <= 2 }) ?? true
        else { return nil }
        self = .percentile(v, name: text)
    }

    public var description: String {
        switch self {
        case .simple(let s): s.rawValue
        case .percentile(_, let name): name
        }
    }

    /// The statistic's value for `set`; nil when it has none (percentiles of sets without a distribution).
    public func value(_ set: StatisticSet) -> Double? {
        switch self {
        case .simple(let s): set.value(of: s)
        case .percentile(let p, _): set.percentile(p)
        }
    }
}
