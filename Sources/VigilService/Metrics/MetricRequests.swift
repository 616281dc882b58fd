public import VigilMetrics

/// One entry of PutMetricData's `MetricData`.
public struct MetricDatum: Sendable {
    public var metricName: String
    public var dimensions: [MetricKey.Dimension]
    /// Milliseconds since the epoch; nil: the time of the call.
    public var timestamp: Int64?
    public var value: Double?
    public var statisticValues: StatisticSet?
    public var values: [Double]?
    public var counts: [Double]?
    public var unit: String?
    /// 1 (high resolution) or 60; nil: 60.
    public var storageResolution: Int?

    public init(metricName: String, dimensions: [MetricKey.Dimension] = [], timestamp: Int64? = nil, value: Double? = nil,
                statisticValues: StatisticSet? = nil, values: [Double]? = nil, counts: [Double]? = nil, unit: String? = nil,
                storageResolution: Int? = nil) {
        self.metricName = metricName
        self.dimensions = dimensions
        self.timestamp = timestamp
        self.value = value
        self.statisticValues = statisticValues
        self.values = values
        self.counts = counts
        self.unit = unit
        self.storageResolution = storageResolution
    }
}

/// A statistic as GetMetricStatistics and GetMetricData name it: one of the five, or a percentile `pNN.NN`.
public enum MetricStatistic: Sendable, Hashable, CustomStringConvertible {
    case simple(Statistic)
    case percentile(Double, name: String)

    /// Parses `Sum`, `p99`, `p99.9`, `p0.0`, `p100`; nil for anything else.
    public init?(_ text: String) {
        if let s = Statistic(rawValue: text) { self = .simple(s); return }
        guard text.first == "p", let v = Double(text.dropFirst()), (0...100).contains(v),
              text.dropFirst().allSatisfy({ $0.isNumber || $0 == "." }),
              text.split(separator: ".").dropFirst().first.map({ $0.count <= 2 }) ?? true else { return nil }
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

/// One GetMetricStatistics datapoint.
public struct StatisticsDatapoint: Sendable, Equatable {
    public let timestamp: Int64
    public let unit: String
    /// By statistic name (`Sum`, `p99`); a percentile without a value is absent.
    public let values: [String: Double]
}

/// ListMetrics' `Dimensions` filter: a dimension name, optionally with its value.
public struct DimensionFilter: Sendable {
    public var name: String
    public var value: String?
    public init(name: String, value: String? = nil) { self.name = name; self.value = value }
}

/// One of GetMetricData's `MetricDataQueries` (MetricStat only: metric math is not built yet).
public struct MetricDataQuery: Sendable {
    public var id: String
    public var metric: MetricKey?
    public var period: Int?
    public var stat: String?
    /// A metric math expression; refused for now.
    public var expression: String?
    public var label: String?
    public var returnData: Bool
    /// Whether the unit was given in MetricStat (else every unit of the metric counts).
    public var unitGiven: Bool

    public init(id: String, metric: MetricKey? = nil, period: Int? = nil, stat: String? = nil, expression: String? = nil,
                label: String? = nil, returnData: Bool = true, unitGiven: Bool = false) {
        self.id = id
        self.metric = metric
        self.period = period
        self.stat = stat
        self.expression = expression
        self.label = label
        self.returnData = returnData
        self.unitGiven = unitGiven
    }
}

/// One GetMetricData result.
public struct MetricDataResult: Sendable, Equatable {
    public let id: String
    public let label: String
    public let timestamps: [Int64]
    public let values: [Double]
    /// `Complete`, or `PartialData` when more pages follow.
    public let statusCode: String
}
