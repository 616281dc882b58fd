public import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilStore

/// DescribeAlarms and DescribeAlarmsForMetric: stored alarms as CloudWatch describes them.
extension AlarmsService {
    /// DescribeAlarms: by names (at most 100), name prefix and state, 100 per page by default; without
    /// AlarmTypes only metric alarms, as on AWS.
    public func describeAlarms(_ input: CloudWatch.DescribeAlarmsInput = .init()) async throws
        -> CloudWatch.DescribeAlarmsOutput
    {
        let names = input.alarmNames
        let prefix = input.alarmNamePrefix
        if names != nil && prefix != nil {
            throw CloudWatchError.combination("AlarmNames and AlarmNamePrefix cannot both be specified.")
        }
        if let names, names.count > 100 {
            throw CloudWatchError.invalid("The collection AlarmNames must not have a size greater than 100.")
        }
        let limit = Int(input.maxRecords ?? 100)
        guard (1...100).contains(limit) else {
            throw CloudWatchError.invalid("The parameter MaxRecords must be between 1 and 100.")
        }
        if (input.childrenOfAlarmName != nil || input.parentsOfAlarmName != nil) && (names != nil || prefix != nil) {
            throw CloudWatchError.combination(
                "ChildrenOfAlarmName and ParentsOfAlarmName cannot be combined with AlarmNames or AlarmNamePrefix.")
        }
        let offset = try PageToken.cloudWatchOffset(input.nextToken)
        var all = try await store.alarms(names: names, prefix: prefix, state: input.stateValue)
        let types = Self.alarmTypes(input.alarmTypes)
        if let childrenOf = input.childrenOfAlarmName {
            let parent = try await store.alarms(names: [childrenOf], prefix: nil, state: nil).first
            let children = Set(parent.flatMap(compositeRule)?.children ?? [])
            all = all.filter { children.contains($0.name) }
        }
        if let parentsOf = input.parentsOfAlarmName {
            let everything = try await store.alarms(names: nil, prefix: nil, state: nil)
            let parents = Set(everything.filter { compositeRule($0)?.children.contains(parentsOf) == true }.map(\.name))
            all = all.filter { parents.contains($0.name) }
        }
        all = all.filter { types.contains($0.namespace.isEmpty ? .compositeAlarm : .metricAlarm) }
        if let actionPrefix = input.actionPrefix {
            all = all.filter { r in StoredDefinition(r)?.actions.contains { $0.hasPrefix(actionPrefix) } ?? false }
        }
        let page = all.dropFirst(offset).prefix(limit)
        return .init(
            compositeAlarms: page.filter(\.namespace.isEmpty).compactMap(compositeAlarm),
            metricAlarms: page.filter { !$0.namespace.isEmpty }.compactMap(metricAlarm),
            nextToken: offset + page.count < all.count ? PageToken.encodeOffset(offset + page.count) : nil)
    }

    /// DescribeAlarmsForMetric: the metric alarms on one metric (dimensions exact; statistic, period
    /// and unit, when given, must match too).
    public func describeAlarmsForMetric(_ input: CloudWatch.DescribeAlarmsForMetricInput) async throws
        -> CloudWatch.DescribeAlarmsForMetricOutput
    {
        let dimensions = MetricsService.dimensions(input.dimensions)
        let wanted = MetricKey(namespace: input.namespace, name: input.metricName, dimensions: dimensions)
            .canonicalDimensions
        let matching = try await store.alarms(names: nil, prefix: nil, state: nil).filter { r in
            guard r.namespace == input.namespace, r.metricName == input.metricName, let alarm = cache.alarm(r),
                MetricKey(namespace: r.namespace, name: r.metricName, dimensions: alarm.dimensions).canonicalDimensions
                    == wanted
            else { return false }
            if let statistic = input.statistic, alarm.statistic.description != statistic.rawValue { return false }
            if let extended = input.extendedStatistic, alarm.statistic.description != extended { return false }
            if let period = input.period, alarm.rule.periodSeconds != Int(period) { return false }
            if let unit = input.unit, alarm.unit != unit.rawValue { return false }
            return true
        }
        return .init(metricAlarms: matching.compactMap(metricAlarm))
    }

    /// A stored metric alarm as DescribeAlarms returns it: its definition and its state.
    func metricAlarm(_ r: AlarmRecord) -> CloudWatch.MetricAlarm? {
        guard let input = cache.entry(r)?.input else { return nil }
        return CloudWatch.MetricAlarm(
            alarmName: r.name, alarmArn: arn(r.name), alarmDescription: input.alarmDescription,
            alarmConfigurationUpdatedTimestamp: Timestamp(millisecondsSinceEpoch: r.configurationUpdated),
            actionsEnabled: r.actionsEnabled, okActions: input.okActions ?? [], alarmActions: input.alarmActions ?? [],
            insufficientDataActions: input.insufficientDataActions ?? [], stateValue: r.state,
            stateReason: r.stateReason,
            stateReasonData: r.stateReasonData,
            stateUpdatedTimestamp: Timestamp(millisecondsSinceEpoch: r.stateUpdated),
            metricName: input.metricName, namespace: input.namespace, statistic: input.statistic,
            extendedStatistic: input.extendedStatistic, dimensions: input.dimensions ?? [], period: input.period,
            unit: input.unit, evaluationPeriods: input.evaluationPeriods, datapointsToAlarm: input.datapointsToAlarm,
            threshold: input.threshold, comparisonOperator: input.comparisonOperator,
            treatMissingData: input.treatMissingData,
            evaluateLowSampleCountPercentile: input.evaluateLowSampleCountPercentile)
    }

    /// A stored composite alarm as DescribeAlarms returns it, its action suppression included.
    func compositeAlarm(_ r: AlarmRecord) -> CloudWatch.CompositeAlarm? {
        guard let input = cache.composite(r)?.input else { return nil }
        let suppressed = input.actionsSuppressor != nil
        return CloudWatch.CompositeAlarm(
            actionsEnabled: r.actionsEnabled, alarmActions: input.alarmActions ?? [], alarmArn: arn(r.name),
            alarmConfigurationUpdatedTimestamp: Timestamp(millisecondsSinceEpoch: r.configurationUpdated),
            alarmDescription: input.alarmDescription, alarmName: r.name, alarmRule: input.alarmRule,
            insufficientDataActions: input.insufficientDataActions ?? [], okActions: input.okActions ?? [],
            stateReason: r.stateReason, stateReasonData: r.stateReasonData,
            stateUpdatedTimestamp: Timestamp(millisecondsSinceEpoch: r.stateUpdated), stateValue: r.state,
            actionsSuppressedBy: suppressed ? r.suppression.cause : nil,
            actionsSuppressedReason: suppressed ? r.suppression.reason : nil,
            actionsSuppressor: input.actionsSuppressor,
            actionsSuppressorWaitPeriod: input.actionsSuppressorWaitPeriod,
            actionsSuppressorExtensionPeriod: input.actionsSuppressorExtensionPeriod)
    }
}

extension AlarmsService {
    /// The alarm types an AlarmTypes member asks for: metric alarms only when it is absent or empty,
    /// as CloudWatch documents for DescribeAlarms and DescribeAlarmHistory.
    static func alarmTypes(_ requested: [CloudWatch.AlarmType]?) -> Set<CloudWatch.AlarmType> {
        guard let requested, !requested.isEmpty else { return [.metricAlarm] }
        return Set(requested)
    }
}
