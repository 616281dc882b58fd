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

/// Why a PutMetricAlarm request is refused: CloudWatch's error code and a message naming the parameter.
public struct AlarmDefinitionError: Error, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}

extension MetricAlarm {
    /// Builds an alarm from PutMetricAlarm's parameters (as in the aws CLI's JSON input), checking
    /// them as CloudWatch does.
    public static func fromPutMetricAlarm(_ p: [String: Any]) throws(AlarmDefinitionError) -> MetricAlarm {
        func invalid(_ m: String) -> AlarmDefinitionError { AlarmDefinitionError("InvalidParameterValue", m) }
        func missing(_ name: String) -> AlarmDefinitionError {
            AlarmDefinitionError("MissingParameter", "The parameter \(name) is required.")
        }
        func string(_ key: String) throws(AlarmDefinitionError) -> String? {
            guard let v = p[key] else { return nil }
            guard let s = v as? String else { throw invalid("The parameter \(key) must be a string.") }
            return s
        }
        func number(_ key: String) throws(AlarmDefinitionError) -> Double? {
            guard let v = p[key] else { return nil }
            // JSONSerialization gives NSNumber for numbers and booleans alike; a boolean's type is "c".
            guard let n = v as? NSNumber, String(cString: n.objCType) != "c" else {
                throw invalid("The parameter \(key) must be a number.")
            }
            return n.doubleValue
        }
        func strings(_ key: String) throws(AlarmDefinitionError) -> [String] {
            guard let v = p[key] else { return [] }
            guard let list = v as? [String] else { throw invalid("The parameter \(key) must be a list of strings.") }
            guard list.count <= 5 else { throw invalid("The collection \(key) must not have a size greater than 5.") }
            return list
        }

        guard let name = try string("AlarmName") else { throw missing("AlarmName") }
        guard (1...255).contains(name.count), name.unicodeScalars.allSatisfy(\.isASCII) else {
            throw invalid("The parameter AlarmName must be 1 to 255 ASCII characters.")
        }
        let description = try string("AlarmDescription")
        if let description, description.count > 1024 {
            throw invalid("The parameter AlarmDescription must be at most 1024 characters.")
        }
        if p["Metrics"] != nil || p["ThresholdMetricId"] != nil {
            throw invalid(
                "Alarms on metric math expressions (Metrics, ThresholdMetricId) are not supported by this Vigil yet.")
        }
        guard let namespace = try string("Namespace") else { throw missing("Namespace") }
        guard let metricName = try string("MetricName") else { throw missing("MetricName") }
        guard (1...255).contains(namespace.count), (1...255).contains(metricName.count) else {
            throw invalid("The parameters Namespace and MetricName must be 1 to 255 characters.")
        }
        var dimensions: [MetricKey.Dimension] = []
        if let raw = p["Dimensions"] {
            guard let list = raw as? [[String: Any]] else {
                throw invalid("The parameter Dimensions must be a list of {Name, Value}.")
            }
            guard list.count <= 30 else {
                throw invalid("The collection Dimensions must not have a size greater than 30.")
            }
            for d in list {
                guard let n = d["Name"] as? String, let v = d["Value"] as? String, !n.isEmpty, !v.isEmpty else {
                    throw invalid("Each dimension needs a non-empty Name and Value.")
                }
                dimensions.append(MetricKey.Dimension(name: n, value: v))
            }
        }
        let simple = try string("Statistic")
        let extended = try string("ExtendedStatistic")
        guard (simple == nil) != (extended == nil) else {
            throw AlarmDefinitionError(
                "InvalidParameterCombination",
                "Exactly one of the parameters Statistic and ExtendedStatistic must be specified.")
        }
        let statistic: MetricStatistic
        if let simple {
            guard let s = Statistic(rawValue: simple) else {
                throw invalid(
                    "The parameter Statistic must be a value in the set [ SampleCount, Average, Sum, Minimum, Maximum ]."
                )
            }
            statistic = .simple(s)
        } else {
            guard let s = MetricStatistic(extended!), case .percentile = s else {
                throw invalid(
                    "The value \(extended!) for parameter ExtendedStatistic is invalid; use a percentile such as p99 or p99.9."
                )
            }
            statistic = s
        }
        guard let periodValue = try number("Period") else { throw missing("Period") }
        let period = Int(periodValue)
        guard Double(period) == periodValue, [10, 20, 30].contains(period) || (period >= 60 && period % 60 == 0) else {
            throw invalid("The parameter Period must be 10, 20, 30, or a multiple of 60.")
        }
        guard let n = try number("EvaluationPeriods"), n >= 1, n == n.rounded() else {
            throw p["EvaluationPeriods"] == nil
                ? missing("EvaluationPeriods")
                : invalid("The parameter EvaluationPeriods must be an integer of at least 1.")
        }
        let evaluationPeriods = Int(n)
        let limit = period >= 3600 ? 604_800 : 86_400
        guard evaluationPeriods * period <= limit else {
            throw invalid(
                "Period × EvaluationPeriods is \(evaluationPeriods * period) seconds; the total evaluation period can be at most \(limit) seconds (\(limit == 86_400 ? "one day for periods under an hour" : "seven days"))."
            )
        }
        var m = evaluationPeriods
        if let d = try number("DatapointsToAlarm") {
            guard d >= 1, d == d.rounded(), Int(d) <= evaluationPeriods else {
                throw invalid(
                    "The parameter DatapointsToAlarm must be an integer from 1 to EvaluationPeriods (\(evaluationPeriods))."
                )
            }
            m = Int(d)
        }
        guard let threshold = try number("Threshold") else { throw missing("Threshold") }
        guard let opText = try string("ComparisonOperator") else { throw missing("ComparisonOperator") }
        guard let op = AlarmRule.ComparisonOperator(rawValue: opText) else {
            throw invalid(
                "The parameter ComparisonOperator must be one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold (anomaly detection is not supported)."
            )
        }
        var treat = AlarmRule.MissingData.missing
        if let t = try string("TreatMissingData") {
            guard let v = AlarmRule.MissingData(rawValue: t) else {
                throw invalid("The parameter TreatMissingData must be breaching, notBreaching, ignore or missing.")
            }
            treat = v
        }
        var evaluateLow = true
        if let e = try string("EvaluateLowSampleCountPercentile") {
            guard e == "evaluate" || e == "ignore" else {
                throw invalid("The parameter EvaluateLowSampleCountPercentile must be evaluate or ignore.")
            }
            guard case .percentile = statistic else {
                throw AlarmDefinitionError(
                    "InvalidParameterCombination",
                    "EvaluateLowSampleCountPercentile applies only to percentile (ExtendedStatistic) alarms.")
            }
            evaluateLow = e == "evaluate"
        }
        let unit = try string("Unit")
        if let unit, !MetricUnits.all.contains(unit) {
            throw invalid("The parameter Unit must be a CloudWatch unit such as Count or Milliseconds.")
        }
        let percent: Double? = if case .percentile(let v, _) = statistic { v } else { nil }
        let rule = AlarmRule(
            periodSeconds: period, evaluationPeriods: evaluationPeriods, datapointsToAlarm: m, threshold: threshold,
            comparison: op,
            treatMissingData: treat, percentile: percent, evaluateLowSampleCountPercentile: evaluateLow)
        return MetricAlarm(
            name: name, description: description, namespace: namespace, metricName: metricName, dimensions: dimensions,
            statistic: statistic, rule: rule, unit: unit,
            actionsEnabled: (p["ActionsEnabled"] as? NSNumber)?.boolValue ?? true,
            alarmActions: try strings("AlarmActions"), okActions: try strings("OKActions"),
            insufficientDataActions: try strings("InsufficientDataActions"))
    }
}
