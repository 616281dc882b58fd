import Foundation
public import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilPatterns
public import VigilStore

/// CloudWatch's metric alarm API over the store, and the evaluation tick the scheduler runs each minute.
///
/// A state change, its history item and the notifications it asks for are committed in one
/// transaction (the outbox): a crash can neither lose a notification nor send one for a change that
/// did not commit (docs/alarms.md).
public struct AlarmsService: Sendable {
    public let store: any StoreBackend
    let now: @Sendable () -> Int64
    /// The account and Region of every alarm ARN and notification.
    public let account: AWSAccount
    /// Parsed definitions, reused while an alarm's configuration is unchanged.
    let cache = AlarmDefinitionCache()

    public init(store: any StoreBackend, now: (@Sendable () -> Int64)? = nil, account: AWSAccount = .standard) {
        self.account = account
        self.store = store
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    /// PutMetricAlarm: creates the alarm in INSUFFICIENT_DATA, or updates it keeping its state and history.
    public func putMetricAlarm(_ input: CloudWatch.PutMetricAlarmInput) async throws {
        try await putMetricAlarms([input])
    }

    /// PutMetricAlarm for many alarms: every one is checked first, then all are stored in one
    /// transaction (a template's alarms, a benchmark's thousands).
    public func putMetricAlarms(_ inputs: [CloudWatch.PutMetricAlarmInput]) async throws {
        let at = now()
        var names: Set<String> = []
        var definitions: [(MetricAlarm, CloudWatch.PutMetricAlarmInput, String)] = []
        var rows:
            [(
                name: String, definition: String, namespace: String, metricName: String, actionsEnabled: Bool,
                history: AlarmHistoryItem
            )] = []
        let stored = Dictionary(
            uniqueKeysWithValues: try await store.alarms(names: nil, prefix: nil, state: nil).map { ($0.name, $0) })
        for var input in inputs {
            let alarm = try MetricAlarm(validating: input)
            if let previous = stored[alarm.name] {
                // As on AWS, an update ignores Tags: TagResource and UntagResource change them.
                let tags = StoredDefinition(previous)?.tags ?? []
                input.tags = tags.isEmpty ? nil : tags
            } else {
                try Self.checkTags(input.tags ?? [])
            }
            guard names.insert(alarm.name).inserted else {
                throw CloudWatchError.invalid("The alarm \(alarm.name) is given twice.")
            }
            let definition = StoredDefinition.text(input)
            definitions.append((alarm, input, definition))
            let history = AlarmMessages.configurationHistory(
                alarm.name, isNew: stored[alarm.name] == nil, definition: definition, at: at)
            rows.append((alarm.name, definition, alarm.namespace, alarm.metricName, alarm.actionsEnabled, history))
        }
        try await store.putAlarms(rows, now: at)
        for (alarm, input, definition) in definitions { cache.store(alarm, input: input, definition: definition) }
    }

    // MARK: tags

    /// An alarm named by itself or by its ARN (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`).
    public static func alarmName(_ nameOrARN: String) -> String {
        if nameOrARN.hasPrefix("arn:"), let r = nameOrARN.range(of: ":alarm:") {
            return String(nameOrARN[r.upperBound...])
        }
        return nameOrARN
    }

    /// The stored alarm an ARN (or a name) points to.
    func record(_ nameOrARN: String) async throws -> AlarmRecord {
        let name = Self.alarmName(nameOrARN)
        guard let record = try await store.alarms(names: [name], prefix: nil, state: nil).first else {
            throw CloudWatchError(.resourceNotFoundException, "The alarm \(name) does not exist.")
        }
        return record
    }

    /// TagResource for an alarm: adds or replaces tags (at most 50 in all).
    public func tagResource(_ input: CloudWatch.TagResourceInput) async throws {
        let record = try await record(input.resourceARN)
        let definition = try Self.definition(record)
        var merged = definition.tags
        for tag in input.tags {
            if let i = merged.firstIndex(where: { $0.key == tag.key }) { merged[i] = tag } else { merged.append(tag) }
        }
        try Self.checkTags(merged)
        try await cloudWatch {
            try await store.setDefinition(name: record.name, definition: definition.with(tags: Self.sorted(merged)))
        }
    }

    /// UntagResource for an alarm; keys it does not have are ignored.
    public func untagResource(_ input: CloudWatch.UntagResourceInput) async throws {
        let record = try await record(input.resourceARN)
        let definition = try Self.definition(record)
        let kept = definition.tags.filter { !input.tagKeys.contains($0.key) }
        try await cloudWatch {
            try await store.setDefinition(
                name: record.name, definition: definition.with(tags: kept.isEmpty ? nil : Self.sorted(kept)))
        }
    }

    /// ListTagsForResource for an alarm, in key order.
    public func listTagsForResource(_ input: CloudWatch.ListTagsForResourceInput) async throws
        -> CloudWatch.ListTagsForResourceOutput
    {
        .init(tags: Self.sorted(try Self.definition(try await record(input.resourceARN)).tags))
    }

    static func sorted(_ tags: [CloudWatch.Tag]) -> [CloudWatch.Tag] { tags.sorted { $0.key < $1.key } }

    /// A record's stored definition (an InternalServiceFault if it cannot be read back).
    static func definition(_ record: AlarmRecord) throws -> StoredDefinition {
        guard let d = StoredDefinition(record) else {
            throw CloudWatchError(
                .internalServiceFault, "The stored definition of the alarm \(record.name) cannot be read.")
        }
        return d
    }

    /// ``TagRules``, reported as CloudWatch reports them.
    static func checkTags(_ tags: [CloudWatch.Tag]) throws {
        var map: [String: String] = [:]
        for t in tags { map[t.key] = t.value }
        guard map.count <= TagRules.maximumTags else {
            throw CloudWatchError(
                .limitExceeded,
                "A resource can have at most \(TagRules.maximumTags) tags; this would leave \(map.count).")
        }
        if let (_, message) = TagRules.problem(map) { throw CloudWatchError.invalid(message) }
    }

    /// The stored alarms named (no API limit on their number: for the scheduler's reports).
    public func records(_ names: [String]) async throws -> [AlarmRecord] {
        names.isEmpty ? [] : try await store.alarms(names: names, prefix: nil, state: nil)
    }

    /// DeleteAlarms: all or none.
    public func deleteAlarms(_ input: CloudWatch.DeleteAlarmsInput) async throws {
        let names = input.alarmNames
        guard !names.isEmpty, names.count <= 100 else { throw CloudWatchError.invalid("Give 1 to 100 AlarmNames.") }
        let deleting = Set(names)
        for r in try await store.alarms(names: nil, prefix: nil, state: nil) where !deleting.contains(r.name) {
            if let rule = compositeRule(r), let child = rule.children.first(where: deleting.contains) {
                throw CloudWatchError.invalid(
                    "The alarm \(child) cannot be deleted: the composite alarm \(r.name) depends on it.")
            }
            if let suppressor = suppressor(r), deleting.contains(suppressor.alarm) {
                throw CloudWatchError.invalid(
                    "The alarm \(suppressor.alarm) cannot be deleted: it is the ActionsSuppressor of the composite alarm \(r.name)."
                )
            }
        }
        try await cloudWatch { try await store.deleteAlarms(names: names) }
    }

    /// EnableAlarmActions.
    public func enableAlarmActions(_ input: CloudWatch.EnableAlarmActionsInput) async throws {
        try await store.setActionsEnabled(names: input.alarmNames, enabled: true)
    }

    /// DisableAlarmActions.
    public func disableAlarmActions(_ input: CloudWatch.DisableAlarmActionsInput) async throws {
        try await store.setActionsEnabled(names: input.alarmNames, enabled: false)
    }

    /// SetAlarmState: the state holds until the next evaluation; a change runs the actions, as on AWS.
    public func setAlarmState(_ input: CloudWatch.SetAlarmStateInput) async throws {
        let name = input.alarmName
        let newState = input.stateValue
        guard input.stateReason.count <= 1023 else {
            throw CloudWatchError.invalid("The parameter StateReason must be at most 1023 characters.")
        }
        if let reasonData = input.stateReasonData, (try? JSONValue(parsing: Array(reasonData.utf8))) == nil {
            throw CloudWatchError(.invalidFormat, "The parameter StateReasonData is not valid JSON.")
        }
        guard let record = try await store.alarms(names: [name], prefix: nil, state: nil).first else {
            throw CloudWatchError.alarmNotFound(name)
        }
        let at = now()
        // Composite alarms that name this one follow it in the same commit.
        let records = try await store.alarms(names: nil, prefix: nil, state: nil)
        var states = Dictionary(uniqueKeysWithValues: records.map { ($0.name, $0.state) })
        states[name] = newState
        let followers = compositeTransitions(records, &states, at: at, excluding: name)
        try await commit(
            [transition(record, to: newState, reason: input.stateReason, reasonData: input.stateReasonData, at: at)]
                + followers, records, states, at: at)
    }

    /// DescribeAlarmHistory: newest first by default, 100 per page.
    public func describeAlarmHistory(_ input: CloudWatch.DescribeAlarmHistoryInput = .init()) async throws
        -> CloudWatch.DescribeAlarmHistoryOutput
    {
        let limit = Int(input.maxRecords ?? 100)
        guard (1...100).contains(limit) else {
            throw CloudWatchError.invalid("The parameter MaxRecords must be between 1 and 100.")
        }
        var type: AlarmHistoryItem.Kind?
        if let wanted = input.historyItemType {
            // The contributor item types are never written here: a filter on them finds nothing.
            guard let kind = AlarmHistoryItem.Kind(rawValue: wanted.rawValue) else {
                return .init(alarmHistoryItems: [])
            }
            type = kind
        }
        let after = try input.nextToken.map { Int64(try PageToken.cloudWatchOffset($0)) }
        // AlarmTypes: without it (or with an empty list), only metric alarms' history, as CloudWatch
        // documents — except for a history asked for by AlarmName, which is that alarm's whatever its
        // type (docs/alarms.md says why).
        let types = Self.alarmTypes(input.alarmTypes)
        let composites = Set(
            try await store.alarms(names: nil, prefix: nil, state: nil).filter(\.namespace.isEmpty).map(\.name))
        let byName = input.alarmName != nil && (input.alarmTypes ?? []).isEmpty
        let names: AlarmNameFilter? =
            byName || types.isSuperset(of: [.metricAlarm, .compositeAlarm])
            ? nil : types.contains(.metricAlarm) ? .except(composites) : .only(composites)
        let items = try await store.history(
            alarmName: input.alarmName, names: names, type: type, start: input.startDate?.millisecondsSinceEpoch,
            end: input.endDate?.millisecondsSinceEpoch, ascending: input.scanBy == .timestampAscending,
            limit: limit + 1,
            afterID: after)
        let page = items.prefix(limit)
        return .init(
            alarmHistoryItems: page.map { i in
                CloudWatch.AlarmHistoryItem(
                    alarmName: i.alarmName,
                    alarmType: composites.contains(i.alarmName) ? .compositeAlarm : .metricAlarm,
                    timestamp: Timestamp(millisecondsSinceEpoch: i.timestamp),
                    historyItemType: CloudWatch.HistoryItemType(rawValue: i.type.rawValue), historySummary: i.summary,
                    historyData: i.data)
            },
            nextToken: items.count > limit ? page.last.map { PageToken.encodeOffset(Int($0.id)) } : nil)
    }

    // MARK: evaluation

    /// Whether any metric alarm has a period under a minute (10 or 30 seconds).
    public func hasHighResolutionAlarms() async throws -> Bool {
        try await store.alarms(names: nil, prefix: nil, state: nil).contains {
            (cache.entry($0)?.alarm.rule.periodSeconds ?? 60) < 60
        }
    }

    /// One evaluation tick at `time`: every alarm judges its evaluation range from the aggregates
    /// (read in one query per resolution); all changes of the tick commit in one transaction.
    /// Returns the alarms that changed state.
    /// `highResolutionOnly` judges only the alarms with periods under a minute (the 10-second ticks
    /// between minute boundaries); composites follow their children either way.
    @discardableResult
    public func evaluate(at time: Int64, highResolutionOnly: Bool = false) async throws -> [String] {
        let records = try await store.alarms(names: nil, prefix: nil, state: nil)
        var parsed: [(AlarmRecord, MetricAlarm, String)] = []
        for record in records {
            if let entry = cache.entry(record), !highResolutionOnly || entry.alarm.rule.periodSeconds < 60 {
                parsed.append((record, entry.alarm, entry.metricID))
            }
        }
        // The aggregates every alarm may need, per resolution, indexed by metric (unit apart).
        var byMetric: [String: [MetricDatapoint]] = [:]
        for highResolution in [false, true] {
            let group = parsed.filter { ($0.1.rule.periodSeconds < 60) == highResolution }
            guard !group.isEmpty else { continue }
            guard
                let from = group.map({
                    Period.floor(time, to: Int64($0.1.rule.periodSeconds) * 1000) - Int64($0.1.rule.evaluationRange + 1)
                        * Int64($0.1.rule.periodSeconds) * 1000
                }).min()
            else { continue }
            let percentiles = group.contains { if case .percentile = $0.1.statistic { true } else { false } }
            for metric in try await store.allAggregates(
                start: from, end: time, highResolution: highResolution, distributions: percentiles)
            {
                byMetric[
                    Self.metricID(metric.key.namespace, metric.key.name, metric.canonicalDimensions, highResolution),
                    default: []
                ]
                .append(
                    contentsOf: metric.periods.map {
                        MetricDatapoint(key: metric.key, timestamp: $0.start, values: $0.values)
                    })
            }
        }
        var transitions: [AlarmTransition] = []
        var states = Dictionary(uniqueKeysWithValues: records.map { ($0.name, $0.state) })
        for (record, alarm, id) in parsed {
            let current = record.state
            let range = AlarmBacktest(alarm: alarm, datapointsOfItsMetric: byMetric[id] ?? []).range(at: time)
            let evaluation = AlarmEvaluator.evaluate(alarm.rule, range: range, current: current)
            guard evaluation.state != current else { continue }
            states[record.name] = evaluation.state
            transitions.append(
                transition(
                    record, to: evaluation.state, reason: evaluation.reason,
                    reasonData: AlarmMessages.reasonData(alarm, range: range, at: time), at: time))
        }
        transitions += compositeTransitions(records, &states, at: time)
        // Only what this tick changed: a transition another evaluator committed first is skipped.
        let changed = try await commit(transitions, records, states, at: time)
        ServiceMetrics.alarmStates(states.values.reduce(into: [:]) { $0[$1, default: 0] += 1 })
        return changed
    }

    /// Commits an evaluation's transitions with their action suppression, in one transaction; each
    /// notification queued for its topic gets its Action history item.
    /// Returns the alarms whose changes were applied.
    @discardableResult
    func commit(
        _ transitions: [AlarmTransition], _ records: [AlarmRecord], _ states: [String: AlarmState], at time: Int64
    ) async throws -> [String] {
        var transitions = transitions
        let suppression = suppress(records, &transitions, states, at: time)
        return try await cloudWatch {
            try await store.commit(transitions, suppression: suppression, actionHistory: AlarmMessages.action)
        }
    }

    static func metricID(_ namespace: String, _ name: String, _ dimensions: String, _ highResolution: Bool) -> String {
        "\(highResolution ? 1 : 0)\u{0}\(namespace)\u{0}\(name)\u{0}\(dimensions)"
    }

    /// A state change with its history item and, when actions are enabled, one outbox message per action.
    func transition(_ record: AlarmRecord, to state: AlarmState, reason: String, reasonData: String?, at: Int64)
        -> AlarmTransition
    {
        let old = record.state
        let history = AlarmMessages.stateUpdate(record, to: state, reason: reason, reasonData: reasonData, at: at)
        var notifications: [(action: String, payload: String)] = []
        if record.actionsEnabled {
            if let alarm = cache.alarm(record) {
                // A metric alarm: its actions and the message come from the parsed definition.
                let actions = AlarmMessages.Actions(alarm)[state]
                let payload =
                    actions.isEmpty
                    ? ""
                    : AlarmMessages.notification(
                        alarm, configurationUpdated: record.configurationUpdated, old: old,
                        new: state, reason: reason, at: at, account: account)
                notifications = actions.map { ($0, payload) }
            } else if let composite = cache.composite(record)?.input {
                // A composite alarm: the message names its rule instead of a metric.
                let all = AlarmMessages.Actions(composite)
                let payload =
                    all[state].isEmpty
                    ? ""
                    : AlarmMessages.message(
                        name: record.name, description: composite.alarmDescription,
                        configurationUpdated: record.configurationUpdated, actions: all,
                        old: old, new: state, reason: reason, at: at, account: account
                    ) { j in
                        j.raw("\"AlarmRule\":")
                        j.string(composite.alarmRule)
                    }
                notifications = all[state].map { ($0, payload) }
            }
        }
        return AlarmTransition(
            alarmName: record.name, from: old, state: state, reason: reason, reasonData: reasonData, at: at,
            history: history, notifications: notifications)
    }

}
