public import VigilAPI
public import VigilAlarms
import VigilMetrics

extension MetricAlarm {
    /// The alarm PutMetricAlarm's input defines, checked as CloudWatch checks it (threshold alarms on
    /// one metric: metric math and anomaly detection are refused as not built yet).
    /// The namespace whose alarms keep their state through missing data, whatever TreatMissingData says.
    public static let alwaysIgnoresMissingData = "AWS/DynamoDB"

    public init(validating p: CloudWatch.PutMetricAlarmInput) throws(CloudWatchError) {
        let name = p.alarmName
        guard (1...255).contains(name.count), name.unicodeScalars.allSatisfy(\.isASCII) else {
            throw .invalid("The parameter AlarmName must be 1 to 255 ASCII characters.")
        }
        if let description = p.alarmDescription, description.count > 1024 {
            throw .invalid("The parameter AlarmDescription must be at most 1024 characters.")
        }
        if p.metrics != nil || p.thresholdMetricId != nil {
            throw .invalid(
                "Alarms on metric math expressions (Metrics, ThresholdMetricId) are not supported by this Vigil yet.")
        }
        guard let namespace = p.namespace else { throw .missing("Namespace") }
        guard let metricName = p.metricName else { throw .missing("MetricName") }
        guard (1...255).contains(namespace.count), (1...255).contains(metricName.count) else {
            throw .invalid("The parameters Namespace and MetricName must be 1 to 255 characters.")
        }
        let dimensions = p.dimensions ?? []
        try MetricsService.checkDimensions(MetricsService.dimensions(dimensions), field: "Dimensions")
        let statistic: MetricStatistic
        switch (p.statistic, p.extendedStatistic) {
        case (let simple?, nil): statistic = .simple(simple)
        case (nil, let extended?):
            guard let s = MetricStatistic(extended), case .percentile = s else {
                throw .invalid(
                    "The value \(extended) for parameter ExtendedStatistic is invalid; use a percentile such as p99 or p99.9."
                )
            }
            statistic = s
        default:
            throw .combination("Exactly one of the parameters Statistic and ExtendedStatistic must be specified.")
        }
        guard let periodValue = p.period else { throw .missing("Period") }
        let period = Int(periodValue)
        guard [10, 20, 30].contains(period) || (period >= 60 && period % 60 == 0) else {
            throw .invalid("The parameter Period must be 10, 20, 30, or a multiple of 60.")
        }
        guard let n = p.evaluationPeriods else { throw .missing("EvaluationPeriods") }
        guard n >= 1 else { throw .invalid("The parameter EvaluationPeriods must be an integer of at least 1.") }
        let evaluationPeriods = Int(n)
        // Two 32-bit factors: the product fits an Int.
        let limit = period >= 3600 ? 604_800 : 86_400
        guard evaluationPeriods * period <= limit else {
            throw .invalid(
                "Period × EvaluationPeriods is \(evaluationPeriods * period) seconds; the total evaluation period can be at most \(limit) seconds (\(limit == 86_400 ? "one day for periods under an hour" : "seven days"))."
            )
        }
        var m = evaluationPeriods
        if let d = p.datapointsToAlarm {
            guard d >= 1, Int(d) <= evaluationPeriods else {
                throw .invalid(
                    "The parameter DatapointsToAlarm must be an integer from 1 to EvaluationPeriods (\(evaluationPeriods))."
                )
            }
            m = Int(d)
        }
        guard let threshold = p.threshold else { throw .missing("Threshold") }
        guard let comparison = p.comparisonOperator else { throw .missing("ComparisonOperator") }
        guard let op = AlarmRule.ComparisonOperator(rawValue: comparison.rawValue) else {
            throw .invalid(
                "The parameter ComparisonOperator must be one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold (anomaly detection is not supported)."
            )
        }
        var evaluateLow = true
        if let e = p.evaluateLowSampleCountPercentile {
            guard case .percentile = statistic else {
                throw .combination(
                    "EvaluateLowSampleCountPercentile applies only to percentile (ExtendedStatistic) alarms.")
            }
            evaluateLow = e == .evaluate
        }
        for (key, list) in [
            ("AlarmActions", p.alarmActions), ("OKActions", p.okActions),
            ("InsufficientDataActions", p.insufficientDataActions),
        ] {
            if let list, list.count > 5 { throw .invalid("The collection \(key) must not have a size greater than 5.") }
        }
        let percent: Double? = if case .percentile(let v, _) = statistic { v } else { nil }
        // "Alarms on metrics in the AWS/DynamoDB namespace always ignore missing data even if you choose a
        // different option" (CloudWatch's "alarms and missing data" page); the alarm still reports the
        // TreatMissingData it was given.
        let missing: AlarmRule.MissingData =
            namespace == Self.alwaysIgnoresMissingData ? .ignore : p.treatMissingData ?? .missing
        let rule = AlarmRule(
            periodSeconds: period, evaluationPeriods: evaluationPeriods, datapointsToAlarm: m, threshold: threshold,
            comparison: op, treatMissingData: missing, percentile: percent,
            evaluateLowSampleCountPercentile: evaluateLow)
        self.init(
            name: name, description: p.alarmDescription, namespace: namespace, metricName: metricName,
            dimensions: dimensions.map { MetricKey.Dimension(name: $0.name, value: $0.value) }, statistic: statistic,
            rule: rule, unit: p.unit?.rawValue, actionsEnabled: p.actionsEnabled ?? true,
            alarmActions: p.alarmActions ?? [],
            okActions: p.okActions ?? [], insufficientDataActions: p.insufficientDataActions ?? [])
    }
}
