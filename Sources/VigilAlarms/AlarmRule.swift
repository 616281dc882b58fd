/// How a metric alarm judges its datapoints: the part of PutMetricAlarm that evaluation needs.
///
/// `evaluationPeriods` is CloudWatch's N, `datapointsToAlarm` its M ("M out of N").
public struct AlarmRule: Sendable, Equatable {
    /// CloudWatch's four threshold comparisons (the anomaly-detection band operators are not supported).
    public enum ComparisonOperator: String, Sendable, Codable, CaseIterable {
        case greaterThanOrEqualToThreshold = "GreaterThanOrEqualToThreshold"
        case greaterThanThreshold = "GreaterThanThreshold"
        case lessThanThreshold = "LessThanThreshold"
        case lessThanOrEqualToThreshold = "LessThanOrEqualToThreshold"

        /// Whether `value` breaches `threshold`.
        public func breaches(_ value: Double, _ threshold: Double) -> Bool {
            switch self {
            case .greaterThanOrEqualToThreshold: value >= threshold
            case .greaterThanThreshold: value > threshold
            case .lessThanThreshold: value < threshold
            case .lessThanOrEqualToThreshold: value <= threshold
            }
        }

        /// The words StateReason uses ("greater than or equal to").
        var phrase: String {
            switch self {
            case .greaterThanOrEqualToThreshold: "greater than or equal to"
            case .greaterThanThreshold: "greater than"
            case .lessThanThreshold: "less than"
            case .lessThanOrEqualToThreshold: "less than or equal to"
            }
        }
    }

    /// TreatMissingData.
    public enum MissingData: String, Sendable, Codable, CaseIterable {
        case missing, ignore, breaching, notBreaching
    }

    public var periodSeconds: Int
    public var evaluationPeriods: Int
    public var datapointsToAlarm: Int
    public var threshold: Double
    public var comparison: ComparisonOperator
    public var treatMissingData: MissingData
    /// For a percentile statistic (0…100): its percent, so low sample counts can be recognised.
    public var percentile: Double?
    /// EvaluateLowSampleCountPercentile: `false` is "ignore".
    public var evaluateLowSampleCountPercentile: Bool

    public init(
        periodSeconds: Int, evaluationPeriods: Int, datapointsToAlarm: Int? = nil, threshold: Double,
        comparison: ComparisonOperator, treatMissingData: MissingData = .missing, percentile: Double? = nil,
        evaluateLowSampleCountPercentile: Bool = true
    ) {
        self.periodSeconds = periodSeconds
        self.evaluationPeriods = evaluationPeriods
        self.datapointsToAlarm = datapointsToAlarm ?? evaluationPeriods
        self.threshold = threshold
        self.comparison = comparison
        self.treatMissingData = treatMissingData
        self.percentile = percentile
        self.evaluateLowSampleCountPercentile = evaluateLowSampleCountPercentile
    }

    /// How many periods one evaluation looks back: N plus two older ones, which may stand in for
    /// missing recent periods (AWS's examples: 5 periods for N = 3; AWS does not give the rule).
    public var evaluationRange: Int { evaluationPeriods + 2 }

    /// The fewest samples a percentile datapoint needs before `evaluateLowSampleCountPercentile`
    /// applies: 10/(1−p) for p ≥ 0.5, 10/p below ("Percentile-based alarms and low data samples").
    public var minimumSamples: Double? {
        guard let percentile else { return nil }
        // In percent, so that p99 gives exactly 1,000.
        if percentile >= 50 { return percentile >= 100 ? .infinity : 1000 / (100 - percentile) }
        return percentile <= 0 ? .infinity : 1000 / percentile
    }
}
