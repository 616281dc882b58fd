import Foundation
import Synchronization
import VigilAlarms
public import VigilMetrics
import VigilPatterns
public import VigilStore

/// CloudWatch's metric alarm API over the store, and the evaluation tick the scheduler runs each minute.
///
/// A state change, its history item and the notifications it asks for are committed in one
/// transaction (the outbox): a crash can neither lose a notification nor send one for a change that
/// did not commit (docs/alarms.md).
public struct AlarmsService: Sendable {
    public let store: SQLiteLogStore
    let now: @Sendable () -> Int64
    /// Parsed definitions, reused while an alarm's configuration is unchanged.
    let cache = AlarmDefinitionCache()

    public init(store: SQLiteLogStore, now: (@Sendable () -> Int64)? = nil) {
        self.store = store
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    static func error(_ e: AlarmDefinitionError) -> ServiceError { ServiceError(e.code, e.message) }

    /// PutMetricAlarm: creates the alarm in INSUFFICIENT_DATA, or updates it keeping its state and history.
    public func putMetricAlarm(_ parameters: [String: Any]) throws {
        try putMetricAlarms([parameters])
    }

    /// PutMetricAlarm for many alarms: every one is checked first, then all are stored in one
    /// transaction (a template's alarms, a benchmark's thousands).
    public func putMetricAlarms(_ list: [[String: Any]]) throws {
        let at = now()
        var names: Set<String> = []
        var definitions: [(MetricAlarm, String)] = []
        var rows:
            [(
                name: String, definition: String, namespace: String, metricName: String, actionsEnabled: Bool,
                history: AlarmHistoryItem
            )] = []
        let stored = Dictionary(
            uniqueKeysWithValues: try store.alarms(names: nil, prefix: nil, state: nil).map { ($0.name, $0.definition) }
        )
        for var parameters in list {
            let alarm: MetricAlarm
            do { alarm = try MetricAlarm.fromPutMetricAlarm(parameters) } catch { throw Self.error(error) }
            if let previous = stored[alarm.name] {
                // As on AWS, an update ignores Tags: TagResource and UntagResource change them.
                parameters["Tags"] = Self.parameters(previous)["Tags"]
            } else {
                try Self.checkTags(Self.tags(parameters))
            }
            guard names.insert(alarm.name).inserted else {
                throw ServiceError("InvalidParameterValue", "The alarm \(alarm.name) is given twice.")
            }
            let definition = Self.json(parameters)
            definitions.append((alarm, definition))
            let history = AlarmMessages.configurationHistory(
                alarm.name, isNew: stored[alarm.name] == nil, parameters, at: at)
            rows.append((alarm.name, definition, alarm.namespace, alarm.metricName, alarm.actionsEnabled, history))
        }
        try store.putAlarms(rows, now: at)
        for (alarm, definition) in definitions { cache.store(alarm, definition: definition) }
    }

    // MARK: tags

    /// An alarm named by itself or by its ARN (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`).
    public static func alarmName(_ nameOrARN: String) -> String {
        if nameOrARN.hasPrefix("arn:"), let r = nameOrARN.range(of: ":alarm:") {
            return String(nameOrARN[r.upperBound...])
        }
        return nameOrARN
    }

    /// TagResource for an alarm: adds or replaces tags (at most 50 in all).
    public func tagAlarm(_ nameOrARN: String, tags: [String: String]) throws {
        let name = Self.alarmName(nameOrARN)
        guard let record = try store.alarms(names: [name], prefix: nil, state: nil).first else {
            throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.")
        }
        var merged = Self.tags(Self.parameters(record.definition))
        for (k, v) in tags { merged[k] = v }
        try Self.checkTags(merged)
        try store.setDefinition(name: name, definition: Self.withTags(record.definition, merged))
    }

    /// UntagResource for an alarm.
    public func untagAlarm(_ nameOrARN: String, keys: [String]) throws {
        let name = Self.alarmName(nameOrARN)
        guard let record = try store.alarms(names: [name], prefix: nil, state: nil).first else {
            throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.")
        }
        var tags = Self.tags(Self.parameters(record.definition))
        for k in keys { tags[k] = nil }
        try store.setDefinition(name: name, definition: Self.withTags(record.definition, tags))
    }

    /// ListTagsForResource for an alarm.
    public func alarmTags(_ nameOrARN: String) throws -> [String: String] {
        let name = Self.alarmName(nameOrARN)
        guard let record = try store.alarms(names: [name], prefix: nil, state: nil).first else {
            throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.")
        }
        return Self.tags(Self.parameters(record.definition))
    }

    static func parameters(_ definition: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(definition.utf8))) as? [String: Any] ?? [:]
    }

    /// The `Tags` parameter ([{Key, Value}]) as a dictionary.
    static func tags(_ parameters: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for t in parameters["Tags"] as? [[String: Any]] ?? [] {
            if let k = t["Key"] as? String { out[k] = t["Value"] as? String ?? "" }
        }
        return out
    }

    static func withTags(_ definition: String, _ tags: [String: String]) -> String {
        var p = parameters(definition)
        p["Tags"] = tags.isEmpty ? nil : tags.keys.sorted().map { ["Key": $0, "Value": tags[$0]!] }
        return json(p)
    }

    /// ``TagRules``, reported as CloudWatch reports them.
    static func checkTags(_ tags: [String: String]) throws {
        guard tags.count <= TagRules.maximumTags else {
            throw ServiceError(
                "LimitExceeded",
                "A resource can have at most \(TagRules.maximumTags) tags; this would leave \(tags.count).")
        }
        if let (_, message) = TagRules.problem(tags) { throw ServiceError("InvalidParameterValue", message) }
    }

    /// DescribeAlarms: by names (at most 100), name prefix and state, 100 per page by default.
    public func describeAlarms(
        names: [String]? = nil, prefix: String? = nil, state: String? = nil, actionPrefix: String? = nil,
        alarmTypes: [String]? = nil, childrenOf: String? = nil, parentsOf: String? = nil, maxRecords: Int? = nil,
        nextToken: String? = nil
    ) throws -> (alarms: [AlarmRecord], nextToken: String?) {
        if names != nil && prefix != nil {
            throw ServiceError(
                "InvalidParameterCombination", "AlarmNames and AlarmNamePrefix cannot both be specified.")
        }
        if let names, names.count > 100 {
            throw ServiceError(
                "InvalidParameterValue", "The collection AlarmNames must not have a size greater than 100.")
        }
        if let state, AlarmState(rawValue: state) == nil {
            throw ServiceError(
                "InvalidParameterValue", "The parameter StateValue must be OK, ALARM or INSUFFICIENT_DATA.")
        }
        let limit = maxRecords ?? 100
        guard (1...100).contains(limit) else {
            throw ServiceError("InvalidParameterValue", "The parameter MaxRecords must be between 1 and 100.")
        }
        if let alarmTypes, !alarmTypes.allSatisfy({ ["MetricAlarm", "CompositeAlarm"].contains($0) }) {
            throw ServiceError(
                "InvalidParameterValue", "The parameter AlarmTypes takes MetricAlarm and CompositeAlarm.")
        }
        if (childrenOf != nil || parentsOf != nil) && (names != nil || prefix != nil) {
            throw ServiceError(
                "InvalidParameterCombination",
                "ChildrenOfAlarmName and ParentsOfAlarmName cannot be combined with AlarmNames or AlarmNamePrefix.")
        }
        let offset = try nextToken.map { try PageToken.decodeOffset($0) } ?? 0
        var all = try store.alarms(names: names, prefix: prefix, state: state)
        // As on AWS, without AlarmTypes only metric alarms are described.
        let types = Set(alarmTypes ?? ["MetricAlarm"])
        if let childrenOf {
            let children = Set(
                try store.alarms(names: [childrenOf], prefix: nil, state: nil).first.flatMap(compositeRule)?.children
                    ?? [])
            all = all.filter { children.contains($0.name) }
        }
        if let parentsOf {
            let everything = try store.alarms(names: nil, prefix: nil, state: nil)
            let parents = Set(everything.filter { compositeRule($0)?.children.contains(parentsOf) == true }.map(\.name))
            all = all.filter { parents.contains($0.name) }
        }
        all = all.filter { types.contains($0.namespace.isEmpty ? "CompositeAlarm" : "MetricAlarm") }
        if let actionPrefix {
            all = all.filter { r in
                let p = Self.parameters(r.definition)
                return ["AlarmActions", "OKActions", "InsufficientDataActions"].contains {
                    ((p[$0] as? [String]) ?? []).contains { $0.hasPrefix(actionPrefix) }
                }
            }
        }
        let page = Array(all.dropFirst(offset).prefix(limit))
        return (page, offset + page.count < all.count ? PageToken.encodeOffset(offset + page.count) : nil)
    }

    /// The stored alarms named (no API limit on their number: for the scheduler's reports).
    public func records(_ names: [String]) throws -> [AlarmRecord] {
        names.isEmpty ? [] : try store.alarms(names: names, prefix: nil, state: nil)
    }

    /// DescribeAlarmsForMetric: the metric alarms on one metric (dimensions exact; statistic, period
    /// and unit, when given, must match too).
    public func describeAlarmsForMetric(
        namespace: String, metricName: String, dimensions: [MetricKey.Dimension] = [], statistic: String? = nil,
        extendedStatistic: String? = nil, period: Int? = nil, unit: String? = nil
    ) throws -> [AlarmRecord] {
        let wanted = MetricKey(namespace: namespace, name: metricName, dimensions: dimensions).canonicalDimensions
        return try store.alarms(names: nil, prefix: nil, state: nil).filter { r in
            guard r.namespace == namespace, r.metricName == metricName, let alarm = cache.alarm(r),
                MetricKey(namespace: namespace, name: metricName, dimensions: alarm.dimensions).canonicalDimensions
                    == wanted
            else { return false }
            if let statistic, alarm.statistic.description != statistic { return false }
            if let extendedStatistic, alarm.statistic.description != extendedStatistic { return false }
            if let period, alarm.rule.periodSeconds != period { return false }
            if let unit, alarm.unit != unit { return false }
            return true
        }
    }

    /// DeleteAlarms: all or none.
    public func deleteAlarms(_ names: [String]) throws {
        guard !names.isEmpty, names.count <= 100 else {
            throw ServiceError("InvalidParameterValue", "Give 1 to 100 AlarmNames.")
        }
        let deleting = Set(names)
        for r in try store.alarms(names: nil, prefix: nil, state: nil) where !deleting.contains(r.name) {
            if let rule = compositeRule(r), let child = rule.children.first(where: deleting.contains) {
                throw ServiceError(
                    "InvalidParameterValue",
                    "The alarm \(child) cannot be deleted: the composite alarm \(r.name) depends on it.")
            }
            if let suppressor = suppressor(r), deleting.contains(suppressor.alarm) {
                throw ServiceError(
                    "InvalidParameterValue",
                    "The alarm \(suppressor.alarm) cannot be deleted: it is the ActionsSuppressor of the composite alarm \(r.name)."
                )
            }
        }
        try store.deleteAlarms(names: names)
    }

    public func enableAlarmActions(_ names: [String]) throws {
        try store.setActionsEnabled(names: names, enabled: true)
    }
    public func disableAlarmActions(_ names: [String]) throws {
        try store.setActionsEnabled(names: names, enabled: false)
    }

    /// SetAlarmState: the state holds until the next evaluation; a change runs the actions, as on AWS.
    public func setAlarmState(_ name: String, state: String, reason: String, reasonData: String? = nil) throws {
        guard let newState = AlarmState(rawValue: state) else {
            throw ServiceError(
                "InvalidParameterValue", "The parameter StateValue must be OK, ALARM or INSUFFICIENT_DATA.")
        }
        guard reason.count <= 1023 else {
            throw ServiceError("InvalidParameterValue", "The parameter StateReason must be at most 1023 characters.")
        }
        if let reasonData, (try? JSONSerialization.jsonObject(with: Data(reasonData.utf8))) == nil {
            throw ServiceError("InvalidFormat", "The parameter StateReasonData is not valid JSON.")
        }
        guard let record = try store.alarms(names: [name], prefix: nil, state: nil).first else {
            throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.")
        }
        let at = now()
        // Composite alarms that name this one follow it in the same commit.
        let records = try store.alarms(names: nil, prefix: nil, state: nil)
        var states = Dictionary(
            uniqueKeysWithValues: records.map { ($0.name, AlarmState(rawValue: $0.state) ?? .insufficientData) })
        states[name] = newState
        let followers = compositeTransitions(records, &states, at: at, excluding: name)
        try commit(
            [transition(record, to: newState, reason: reason, reasonData: reasonData, at: at)] + followers, records,
            states, at: at)
    }

    /// DescribeAlarmHistory: newest first by default, 100 per page.
    public func describeAlarmHistory(
        name: String? = nil, type: String? = nil, start: Int64? = nil, end: Int64? = nil, ascending: Bool = false,
        maxRecords: Int? = nil, nextToken: String? = nil
    ) throws -> (items: [AlarmHistoryItem], nextToken: String?) {
        if let type, !["ConfigurationUpdate", "StateUpdate", "Action"].contains(type) {
            throw ServiceError(
                "InvalidParameterValue",
                "The parameter HistoryItemType must be ConfigurationUpdate, StateUpdate or Action.")
        }
        let limit = maxRecords ?? 100
        guard (1...100).contains(limit) else {
            throw ServiceError("InvalidParameterValue", "The parameter MaxRecords must be between 1 and 100.")
        }
        let after = try nextToken.map { Int64(try PageToken.decodeOffset($0)) }
        let items = try store.history(
            alarmName: name, type: type, start: start, end: end, ascending: ascending, limit: limit + 1, afterID: after)
        let page = Array(items.prefix(limit))
        return (page, items.count > limit ? PageToken.encodeOffset(Int(page.last!.id)) : nil)
    }

    // MARK: evaluation

    /// One evaluation tick at `time`: every alarm judges its evaluation range from the aggregates
    /// (read in one query per resolution); all changes of the tick commit in one transaction.
    /// Returns the alarms that changed state.
    @discardableResult
    public func evaluate(at time: Int64) throws -> [String] {
        let records = try store.alarms(names: nil, prefix: nil, state: nil)
        var parsed: [(AlarmRecord, MetricAlarm, String)] = []
        for record in records {
            if let entry = cache.entry(record) { parsed.append((record, entry.alarm, entry.metricID)) }
        }
        // The aggregates every alarm may need, per resolution, indexed by metric (unit apart).
        var byMetric: [String: [MetricDatapoint]] = [:]
        for highResolution in [false, true] {
            let group = parsed.filter { ($0.1.rule.periodSeconds < 60) == highResolution }
            guard !group.isEmpty else { continue }
            let from = group.map {
                Period.floor(time, to: Int64($0.1.rule.periodSeconds) * 1000) - Int64($0.1.rule.evaluationRange + 1)
                    * Int64($0.1.rule.periodSeconds) * 1000
            }.min()!
            let percentiles = group.contains { if case .percentile = $0.1.statistic { true } else { false } }
            for metric in try store.allAggregates(
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
        var states = Dictionary(
            uniqueKeysWithValues: records.map { ($0.name, AlarmState(rawValue: $0.state) ?? .insufficientData) })
        for (record, alarm, id) in parsed {
            let current = AlarmState(rawValue: record.state) ?? .insufficientData
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
        try commit(transitions, records, states, at: time)
        return transitions.map(\.alarmName)
    }

    /// Commits an evaluation's transitions with their action suppression, in one transaction; each
    /// notification queued for its topic gets its Action history item.
    func commit(
        _ transitions: [AlarmTransition], _ records: [AlarmRecord], _ states: [String: AlarmState], at time: Int64
    ) throws {
        var transitions = transitions
        let suppression = suppress(records, &transitions, states, at: time)
        try store.commit(transitions, suppression: suppression, actionHistory: AlarmMessages.action)
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
                        new: state, reason: reason, at: at)
                notifications = actions.map { ($0, payload) }
            } else {
                // A composite alarm: the message names its rule instead of a metric.
                let parameters = Self.parameters(record.definition)
                let all = AlarmMessages.Actions(parameters: parameters)
                let payload =
                    all[state].isEmpty
                    ? ""
                    : AlarmMessages.message(
                        name: record.name, description: parameters["AlarmDescription"] as? String,
                        configurationUpdated: record.configurationUpdated, actions: all,
                        old: old, new: state, reason: reason, at: at
                    ) { j in
                        j.raw("\"AlarmRule\":")
                        j.string(parameters["AlarmRule"] as? String ?? "")
                    }
                notifications = all[state].map { ($0, payload) }
            }
        }
        return AlarmTransition(
            alarmName: record.name, state: state.rawValue, reason: reason, reasonData: reasonData, at: at,
            history: history, notifications: notifications)
    }

    static func json(_ object: Any) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map {
            String(decoding: $0, as: UTF8.self)
        } ?? "{}"
    }
}

/// Parsed alarm definitions by name, reused while the stored definition is unchanged: a metric alarm
/// with the key of its metric's aggregates, a composite alarm with its rule and suppressor.
/// PutMetricAlarm fills it, so a server's first tick does not parse.
final class AlarmDefinitionCache: Sendable {
    struct Entry {
        let definition: String
        let alarm: MetricAlarm
        /// ``AlarmsService/metricID(_:_:_:_:)`` of the alarm's metric.
        let metricID: String
    }

    struct CompositeEntry {
        let definition: String
        let rule: CompositeRule
        let suppressor: ActionsSuppressor?
    }

    let entries = Mutex<[String: Entry]>([:])
    let composites = Mutex<[String: CompositeEntry]>([:])

    func alarm(_ record: AlarmRecord) -> MetricAlarm? { entry(record)?.alarm }

    /// A metric alarm's parsed definition; nil for a composite alarm.
    func entry(_ record: AlarmRecord) -> Entry? {
        guard !record.namespace.isEmpty else { return nil }
        if let entry = entries.withLock({ $0[record.name] }), entry.definition == record.definition { return entry }
        guard let alarm = try? MetricAlarm.fromPutMetricAlarm(AlarmsService.parameters(record.definition)) else {
            return nil
        }
        return store(alarm, definition: record.definition)
    }

    @discardableResult
    func store(_ alarm: MetricAlarm, definition: String) -> Entry {
        let id = AlarmsService.metricID(
            alarm.namespace, alarm.metricName,
            MetricKey(namespace: "", name: "", dimensions: alarm.dimensions).canonicalDimensions,
            alarm.rule.periodSeconds < 60)
        let entry = Entry(definition: definition, alarm: alarm, metricID: id)
        entries.withLock { $0[alarm.name] = entry }
        return entry
    }

    /// A composite alarm's rule and suppressor; nil for a metric alarm.
    func composite(_ record: AlarmRecord) -> CompositeEntry? {
        guard record.namespace.isEmpty else { return nil }
        if let entry = composites.withLock({ $0[record.name] }), entry.definition == record.definition { return entry }
        let parameters = AlarmsService.parameters(record.definition)
        guard let text = parameters["AlarmRule"] as? String, let rule = try? CompositeRule(parsing: text) else {
            return nil
        }
        let entry = CompositeEntry(
            definition: record.definition, rule: rule, suppressor: try? AlarmsService.checkedSuppressor(parameters))
        composites.withLock { $0[record.name] = entry }
        return entry
    }
}
