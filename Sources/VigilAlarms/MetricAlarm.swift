import Foundation
public import VigilMetrics

/// A metric alarm as PutMetricAlarm defines it (threshold alarms on one metric; metric math and
/// anomaly detection are not built yet).
public struct MetricAlarm: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// Namespace, name, dimensions; the unit is ``unit``.
    public var namespace: String
    public var metricName: String
    public var dimensions: [MetricKey.Dimension]
    /// `Sum`, `Average`, …, or a percentile such as `p99` (Statistic or ExtendedStatistic).
    public var statistic: MetricStatistic
    public var rule: AlarmRule
    /// Only datapoints published with this unit; nil: every unit, merged.
    public var unit: String?
    public var actionsEnabled: Bool
    public var alarmActions: [String]
    public var okActions: [String]
    public var insufficientDataActions: [String]

    public init(
        name: String, description: String? = nil, namespace: String, metricName: String,
        dimensions: [MetricKey.Dimension] = [],
        statistic: MetricStatistic, rule: AlarmRule, unit: String? = nil, actionsEnabled: Bool = true,
        alarmActions: [String] = [], okActions: [String] = [], insufficientDataActions: [String] = []
    ) {
        self.name = name
        self.description = description
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
        self.statistic = statistic
        self.rule = rule
        self.unit = unit
        self.actionsEnabled = actionsEnabled
        self.alarmActions = alarmActions
        self.okActions = okActions
        self.insufficientDataActions = insufficientDataActions
    }
}
