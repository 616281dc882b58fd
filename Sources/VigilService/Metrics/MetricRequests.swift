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

    public init(
        metricName: String, dimensions: [MetricKey.Dimension] = [], timestamp: Int64? = nil, value: Double? = nil,
        statisticValues: StatisticSet? = nil, values: [Double]? = nil, counts: [Double]? = nil, unit: String? = nil,
        storageResolution: Int? = nil
    ) {
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
    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }
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

    public init(
        id: String, metric: MetricKey? = nil, period: Int? = nil, stat: String? = nil, expression: String? = nil,
        label: String? = nil, returnData: Bool = true, unitGiven: Bool = false
    ) {
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

extension MetricDatum {
    /// The statistic sets this datum stands for (one per Value, Values member or StatisticValues),
    /// checked as PutMetricData checks them, except for the age of the timestamp.
    public func statisticSets(field: String = "MetricData.member.1") throws -> [StatisticSet] {
        try MetricsService.sets(self, field: field)
    }
}
