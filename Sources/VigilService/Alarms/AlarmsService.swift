public import VigilAlarms
public import VigilStore
public import VigilMetrics
import VigilPatterns
import Foundation
import Synchronization

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
        var rows: [(name: String, definition: String, namespace: String, metricName: String, actionsEnabled: Bool, history: AlarmHistoryItem)] = []
        let stored = Dictionary(uniqueKeysWithValues: try store.alarms(names: nil, prefix: nil, state: nil).map { ($0.name, $0.definition) })
        for var parameters in list {
            let alarm: MetricAlarm
            do { alarm = try MetricAlarm.fromPutMetricAlarm(parameters) } catch { throw Self.error(error) }
            if let previous = stored[alarm.name] {
                // As on AWS, an update ignores Tags: TagResource and UntagResource change them.
                parameters["Tags"] = Self.parameters(previous)["Tags"]
            } else {
                try Self.checkTags(Self.tags(parameters))
            }
            guard names.insert(alarm.name).inserted else { throw ServiceError("InvalidParameterValue", "The alarm \(alarm.name) is given twice.") }
            let definition = Self.json(parameters)
            let history = Self.configurationHistory(alarm.name, isNew: stored[alarm.name] == nil, parameters, at: at)
            rows.append((alarm.name, definition, alarm.namespace, alarm.metricName, alarm.actionsEnabled, history))
        }
        try store.putAlarms(rows, now: at)
    }

    /// PutCompositeAlarm: a rule over other alarms' states. Every alarm it names must exist, and a rule
    /// that would make alarms depend on themselves is refused (CloudWatch allows such cycles and then
    /// stops evaluating them; Vigil does not let one be made).
    public func putCompositeAlarm(_ parameters: [String: Any]) throws {
        guard let name = parameters["AlarmName"] as? String else { throw ServiceError("MissingParameter", "The parameter AlarmName is required.") }
        guard (1...255).contains(name.count), name.unicodeScalars.allSatisfy(\.isASCII) else {
            throw ServiceError("InvalidParameterValue", "The parameter AlarmName must be 1 to 255 ASCII characters.")
        }
        guard let text = parameters["AlarmRule"] as? String else { throw ServiceError("MissingParameter", "The parameter AlarmRule is required.") }
        let rule: CompositeRule
        do { rule = try CompositeRule(parsing: text) } catch {
            throw ServiceError("InvalidParameterValue", "AlarmRule is invalid: \(error.message) at character \(error.offset).")
        }
        for key in ["AlarmActions", "OKActions", "InsufficientDataActions"] {
            if let list = parameters[key] as? [String], list.count > 5 { throw ServiceError("InvalidParameterValue", "The collection \(key) must not have a size greater than 5.") }
        }
        let all = try store.alarms(names: nil, prefix: nil, state: nil)
        let known = Set(all.map(\.name))
        for child in rule.children where !known.contains(child) && child != name {
            throw ServiceError("InvalidParameterValue", "AlarmRule names the alarm \(child), which does not exist.")
        }
        // Cycles: follow the rules of composite alarms from this one's children back to it.
        var rules = Dictionary(uniqueKeysWithValues: all.compactMap { r in Self.compositeRule(r).map { (r.name, $0) } })
        rules[name] = rule
        var stack = rule.children, seen: Set<String> = []
        while let next = stack.popLast() {
            if next == name { throw ServiceError("InvalidParameterValue", "AlarmRule makes \(name) depend on itself (through \(rule.children.joined(separator: ", "))): composite alarms cannot form a cycle.") }
            guard seen.insert(next).inserted else { continue }
            stack += rules[next]?.children ?? []
        }
        let definition = Self.json(parameters)
        let at = now()
        let history = Self.configurationHistory(name, isNew: !known.contains(name), parameters, at: at)
        try store.putAlarms([(name, definition, "", "", (parameters["ActionsEnabled"] as? NSNumber)?.boolValue ?? true, history)], now: at)
    }

    /// The history item of a created or updated alarm (HistoryData holds the parameters given).
    static func configurationHistory(_ name: String, isNew: Bool, _ parameters: [String: Any], at: Int64) -> AlarmHistoryItem {
        AlarmHistoryItem(alarmName: name, timestamp: at, type: "ConfigurationUpdate",
                         summary: isNew ? "Alarm \"\(name)\" created" : "Alarm \"\(name)\" updated",
                         data: json(["version": "1.0", "type": isNew ? "Create" : "Update", "createdAlarm": parameters]))
    }

    /// The rule of a stored composite alarm; nil for a metric alarm.
    static func compositeRule(_ r: AlarmRecord) -> CompositeRule? {
        guard r.namespace.isEmpty, let text = parameters(r.definition)["AlarmRule"] as? String else { return nil }
        return try? CompositeRule(parsing: text)
    }

    // MARK: tags

    /// An alarm named by itself or by its ARN (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`).
    public static func alarmName(_ nameOrARN: String) -> String {
        if nameOrARN.hasPrefix("arn:"), let r = nameOrARN.range(of: ":alarm:") { return String(nameOrARN[r.upperBound...]) }
        return nameOrARN
    }

    /// TagResource for an alarm: adds or replaces tags (at most 50 in all).
    public func tagAlarm(_ nameOrARN: String, tags: [String: String]) throws {
        let name = Self.alarmName(nameOrARN)
        guard let record = try store.alarms(names: [name], prefix: nil, state: nil).first else { throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.") }
        var merged = Self.tags(Self.parameters(record.definition))
        for (k, v) in tags { merged[k] = v }
        try Self.checkTags(merged)
        try store.setDefinition(name: name, definition: Self.withTags(record.definition, merged))
    }

    /// UntagResource for an alarm.
    public func untagAlarm(_ nameOrARN: String, keys: [String]) throws {
        let name = Self.alarmName(nameOrARN)
        guard let record = try store.alarms(names: [name], prefix: nil, state: nil).first else { throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.") }
        var tags = Self.tags(Self.parameters(record.definition))
        for k in keys { tags[k] = nil }
        try store.setDefinition(name: name, definition: Self.withTags(record.definition, tags))
    }

    /// ListTagsForResource for an alarm.
    public func alarmTags(_ nameOrARN: String) throws -> [String: String] {
        let name = Self.alarmName(nameOrARN)
        guard let record = try store.alarms(names: [name], prefix: nil, state: nil).first else { throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.") }
        return Self.tags(Self.parameters(record.definition))
    }

    static func parameters(_ definition: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(definition.utf8))) as? [String: Any] ?? [:]
    }

    /// The `Tags` parameter ([{Key, Value}]) as a dictionary.
    static func tags(_ parameters: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for t in parameters["Tags"] as? [[String: Any]] ?? [] { if let k = t["Key"] as? String { out[k] = t["Value"] as? String ?? "" } }
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
            throw ServiceError("LimitExceeded", "A resource can have at most \(TagRules.maximumTags) tags; this would leave \(tags.count).")
        }
        if let (_, message) = TagRules.problem(tags) { throw ServiceError("InvalidParameterValue", message) }
    }

    /// DescribeAlarms: by names (at most 100), name prefix and state, 100 per page by default.
    public func describeAlarms(names: [String]? = nil, prefix: String? = nil, state: String? = nil, actionPrefix: String? = nil,
                               alarmTypes: [String]? = nil, childrenOf: String? = nil, parentsOf: String? = nil, maxRecords: Int? = nil,
                               nextToken: String? = nil) throws -> (alarms: [AlarmRecord], nextToken: String?) {
        if names != nil && prefix != nil {
            throw ServiceError("InvalidParameterCombination", "AlarmNames and AlarmNamePrefix cannot both be specified.")
        }
        if let names, names.count > 100 { throw ServiceError("InvalidParameterValue", "The collection AlarmNames must not have a size greater than 100.") }
        if let state, AlarmState(rawValue: state) == nil {
            throw ServiceError("InvalidParameterValue", "The parameter StateValue must be OK, ALARM or INSUFFICIENT_DATA.")
        }
        let limit = maxRecords ?? 100
        guard (1...100).contains(limit) else { throw ServiceError("InvalidParameterValue", "The parameter MaxRecords must be between 1 and 100.") }
        if let alarmTypes, !alarmTypes.allSatisfy({ ["MetricAlarm", "CompositeAlarm"].contains($0) }) {
            throw ServiceError("InvalidParameterValue", "The parameter AlarmTypes takes MetricAlarm and CompositeAlarm.")
        }
        if (childrenOf != nil || parentsOf != nil) && (names != nil || prefix != nil) {
            throw ServiceError("InvalidParameterCombination", "ChildrenOfAlarmName and ParentsOfAlarmName cannot be combined with AlarmNames or AlarmNamePrefix.")
        }
        let offset = try nextToken.map { try PageToken.decodeOffset($0) } ?? 0
        var all = try store.alarms(names: names, prefix: prefix, state: state)
        // As on AWS, without AlarmTypes only metric alarms are described.
        let types = Set(alarmTypes ?? ["MetricAlarm"])
        if let childrenOf {
            let children = Set(try store.alarms(names: [childrenOf], prefix: nil, state: nil).first.flatMap(Self.compositeRule)?.children ?? [])
            all = all.filter { children.contains($0.name) }
        }
        if let parentsOf {
            let everything = try store.alarms(names: nil, prefix: nil, state: nil)
            let parents = Set(everything.filter { Self.compositeRule($0)?.children.contains(parentsOf) == true }.map(\.name))
            all = all.filter { parents.contains($0.name) }
        }
        all = all.filter { types.contains($0.namespace.isEmpty ? "CompositeAlarm" : "MetricAlarm") }
        if let actionPrefix {
            all = all.filter { r in
                let p = Self.parameters(r.definition)
                return ["AlarmActions", "OKActions", "InsufficientDataActions"].contains { ((p[$0] as? [String]) ?? []).contains { $0.hasPrefix(actionPrefix) } }
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
    public func describeAlarmsForMetric(namespace: String, metricName: String, dimensions: [MetricKey.Dimension] = [], statistic: String? = nil,
                                        extendedStatistic: String? = nil, period: Int? = nil, unit: String? = nil) throws -> [AlarmRecord] {
        let wanted = MetricKey(namespace: namespace, name: metricName, dimensions: dimensions).canonicalDimensions
        return try store.alarms(names: nil, prefix: nil, state: nil).filter { r in
            guard r.namespace == namespace, r.metricName == metricName, let alarm = cache.alarm(r),
                  MetricKey(namespace: namespace, name: metricName, dimensions: alarm.dimensions).canonicalDimensions == wanted else { return false }
            if let statistic, alarm.statistic.description != statistic { return false }
            if let extendedStatistic, alarm.statistic.description != extendedStatistic { return false }
            if let period, alarm.rule.periodSeconds != period { return false }
            if let unit, alarm.unit != unit { return false }
            return true
        }
    }

    /// DeleteAlarms: all or none.
    public func deleteAlarms(_ names: [String]) throws {
        guard !names.isEmpty, names.count <= 100 else { throw ServiceError("InvalidParameterValue", "Give 1 to 100 AlarmNames.") }
        let deleting = Set(names)
        for r in try store.alarms(names: nil, prefix: nil, state: nil) where !deleting.contains(r.name) {
            if let rule = Self.compositeRule(r), let child = rule.children.first(where: deleting.contains) {
                throw ServiceError("InvalidParameterValue", "The alarm \(child) cannot be deleted: the composite alarm \(r.name) depends on it.")
            }
        }
        try store.deleteAlarms(names: names)
    }

    public func enableAlarmActions(_ names: [String]) throws { try store.setActionsEnabled(names: names, enabled: true) }
    public func disableAlarmActions(_ names: [String]) throws { try store.setActionsEnabled(names: names, enabled: false) }

    /// SetAlarmState: the state holds until the next evaluation; a change runs the actions, as on AWS.
    public func setAlarmState(_ name: String, state: String, reason: String, reasonData: String? = nil) throws {
        guard let newState = AlarmState(rawValue: state) else {
            throw ServiceError("InvalidParameterValue", "The parameter StateValue must be OK, ALARM or INSUFFICIENT_DATA.")
        }
        guard reason.count <= 1023 else { throw ServiceError("InvalidParameterValue", "The parameter StateReason must be at most 1023 characters.") }
        if let reasonData, (try? JSONSerialization.jsonObject(with: Data(reasonData.utf8))) == nil {
            throw ServiceError("InvalidFormat", "The parameter StateReasonData is not valid JSON.")
        }
        guard let record = try store.alarms(names: [name], prefix: nil, state: nil).first else {
            throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.")
        }
        let at = now()
        // Composite alarms that name this one follow it in the same commit.
        let records = try store.alarms(names: nil, prefix: nil, state: nil)
        var states = Dictionary(uniqueKeysWithValues: records.map { ($0.name, AlarmState(rawValue: $0.state) ?? .insufficientData) })
        states[name] = newState
        let followers = compositeTransitions(records.filter { $0.name != name }, &states, at: at)
        try store.commit([transition(record, to: newState, reason: reason, reasonData: reasonData, at: at)] + followers)
    }

    /// DescribeAlarmHistory: newest first by default, 100 per page.
    public func describeAlarmHistory(name: String? = nil, type: String? = nil, start: Int64? = nil, end: Int64? = nil, ascending: Bool = false,
                                     maxRecords: Int? = nil, nextToken: String? = nil) throws -> (items: [AlarmHistoryItem], nextToken: String?) {
        if let type, !["ConfigurationUpdate", "StateUpdate", "Action"].contains(type) {
            throw ServiceError("InvalidParameterValue", "The parameter HistoryItemType must be ConfigurationUpdate, StateUpdate or Action.")
        }
        let limit = maxRecords ?? 100
        guard (1...100).contains(limit) else { throw ServiceError("InvalidParameterValue", "The parameter MaxRecords must be between 1 and 100.") }
        let after = try nextToken.map { Int64(try PageToken.decodeOffset($0)) }
        let items = try store.history(alarmName: name, type: type, start: start, end: end, ascending: ascending, limit: limit + 1, afterID: after)
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
        var parsed: [(AlarmRecord, MetricAlarm)] = []
        for record in records {
            if let alarm = cache.alarm(record) { parsed.append((record, alarm)) }
        }
        // The aggregates every alarm may need, per resolution, indexed by metric (unit apart).
        var byMetric: [String: [MetricDatapoint]] = [:]
        for highResolution in [false, true] {
            let group = parsed.filter { ($0.1.rule.periodSeconds < 60) == highResolution }
            guard !group.isEmpty else { continue }
            let from = group.map { Period.floor(time, to: Int64($0.1.rule.periodSeconds) * 1000) - Int64($0.1.rule.evaluationRange + 1) * Int64($0.1.rule.periodSeconds) * 1000 }.min()!
            let percentiles = group.contains { if case .percentile = $0.1.statistic { true } else { false } }
            for (key, start, set) in try store.allAggregates(start: from, end: time, highResolution: highResolution, distributions: percentiles) {
                byMetric[Self.metricID(key.namespace, key.name, key.canonicalDimensions, highResolution), default: []]
                    .append(MetricDatapoint(key: key, timestamp: start, values: set))
            }
        }
        var transitions: [AlarmTransition] = []
        var states = Dictionary(uniqueKeysWithValues: records.map { ($0.name, AlarmState(rawValue: $0.state) ?? .insufficientData) })
        for (record, alarm) in parsed {
            let id = Self.metricID(alarm.namespace, alarm.metricName, MetricKey(namespace: "", name: "", dimensions: alarm.dimensions).canonicalDimensions,
                                   alarm.rule.periodSeconds < 60)
            let current = AlarmState(rawValue: record.state) ?? .insufficientData
            let range = AlarmBacktest(alarm: alarm, datapoints: byMetric[id] ?? []).range(at: time)
            let evaluation = AlarmEvaluator.evaluate(alarm.rule, range: range, current: current)
            guard evaluation.state != current else { continue }
            states[record.name] = evaluation.state
            transitions.append(transition(record, to: evaluation.state, reason: evaluation.reason,
                                          reasonData: Self.reasonData(alarm, range: range, at: time), at: time))
        }
        transitions += compositeTransitions(records, &states, at: time)
        try store.commit(transitions)
        return transitions.map(\.alarmName)
    }

    /// Composite alarms follow their children: ALARM when the rule holds, OK when it does not. Each is
    /// evaluated after the alarms it names (there are no cycles), so a chain settles in one tick.
    func compositeTransitions(_ records: [AlarmRecord], _ states: inout [String: AlarmState], at time: Int64) -> [AlarmTransition] {
        let composites = records.compactMap { r in Self.compositeRule(r).map { (r, $0) } }
        var done: Set<String> = [], out: [AlarmTransition] = []
        var pending = composites
        while !pending.isEmpty {
            let names = Set(pending.map(\.0.name))
            let ready = pending.filter { _, rule in rule.children.allSatisfy { !names.contains($0) || done.contains($0) } }
            guard !ready.isEmpty else { break }  // unreachable: cycles are refused when alarms are put
            for (record, rule) in ready {
                done.insert(record.name)
                let holds = rule.holds(states)
                let new: AlarmState = holds ? .alarm : .ok
                if new != states[record.name] {
                    let children = rule.children.map { "\($0) is \(states[$0]?.rawValue ?? "missing")" }.joined(separator: ", ")
                    let reason = "the alarm rule \(holds ? "holds" : "does not hold"): \(children)"
                    states[record.name] = new
                    out.append(transition(record, to: new, reason: reason, reasonData: nil, at: time))
                }
            }
            pending.removeAll { done.contains($0.0.name) }
        }
        return out
    }

    /// StateReasonData as CloudWatch writes it for metric alarms: the query and start dates, the
    /// statistic and period, the values of the range and the datapoints judged (newest first).
    /// Written by hand: it is built for every state change of a tick, and Foundation's formatters
    /// and serializer made a tick of 10,000 changes take seconds (`vigil bench alarms`).
    static func reasonData(_ alarm: MetricAlarm, range: [AlarmDatapoint?], at time: Int64) -> String {
        let length = Int64(alarm.rule.periodSeconds) * 1000
        let newest = Period.floor(time, to: length) - length
        let start = newest - Int64(range.count - 1) * length
        let statistic = switch alarm.statistic {
        case .simple(let s): "\"statistic\":\(quote(s.rawValue))"
        case .percentile(_, let name): "\"extendedStatistic\":\(quote(name))"
        }
        let recent = range.compactMap { $0.map { number($0.value) } }.joined(separator: ",")
        let evaluated = range.reversed().compactMap { $0 }.prefix(alarm.rule.evaluationPeriods).map { d in
            "{\"timestamp\":\(quote(timestamp(d.timestamp))),\"sampleCount\":\(number(d.sampleCount)),\"value\":\(number(d.value))}"
        }.joined(separator: ",")
        let unit = alarm.unit.map { ",\"unit\":\(quote($0))" } ?? ""
        return "{\"version\":\"1.0\",\"queryDate\":\(quote(timestamp(time))),\"startDate\":\(quote(timestamp(start))),\(statistic),"
            + "\"period\":\(alarm.rule.periodSeconds),\"recentDatapoints\":[\(recent)],\"threshold\":\(number(alarm.rule.threshold)),"
            + "\"evaluatedDatapoints\":[\(evaluated)]\(unit)}"
    }

    /// `2019-05-24T21:19:27.553+0000`, as StateReasonData and notifications write times.
    static func timestamp(_ ms: Int64) -> String {
        var t = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        let millis = ((ms % 1000) + 1000) % 1000
        let two = AlarmEvaluator.two
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))."
            + (millis < 10 ? "00" : millis < 100 ? "0" : "") + "\(millis)+0000"
    }

    /// A JSON number (integral values as `4.0`).
    static func number(_ v: Double) -> String { AlarmEvaluator.format(v) }

    /// A JSON string literal (the one quoting the CLI's output uses).
    static func quote(_ s: String) -> String { JSONString.quote(s) }

    static func metricID(_ namespace: String, _ name: String, _ dimensions: String, _ highResolution: Bool) -> String {
        "\(highResolution ? 1 : 0)\u{0}\(namespace)\u{0}\(name)\u{0}\(dimensions)"
    }

    /// A state change with its history item and, when actions are enabled, one outbox message per action.
    func transition(_ record: AlarmRecord, to state: AlarmState, reason: String, reasonData: String?, at: Int64) -> AlarmTransition {
        let old = record.state
        // HistoryData: {"version","oldState":{stateValue,stateReason},"newState":{stateValue,stateReason,stateReasonData}}.
        let embedded = reasonData.map { ",\"stateReasonData\":\($0)" } ?? ""
        let data = "{\"newState\":{\"stateReason\":\(Self.quote(reason))\(embedded),\"stateValue\":\(Self.quote(state.rawValue))},"
            + "\"oldState\":{\"stateReason\":\(Self.quote(record.stateReason)),\"stateValue\":\(Self.quote(old))},\"version\":\"1.0\"}"
        let history = AlarmHistoryItem(alarmName: record.name, timestamp: at, type: "StateUpdate",
                                       summary: "Alarm updated from \(old) to \(state.rawValue)", data: data)
        var notifications: [(action: String, payload: String)] = []
        if record.actionsEnabled {
            if let alarm = cache.alarm(record) {
                // A metric alarm: its actions and the message come from the parsed definition.
                let actions = switch state {
                case .alarm: alarm.alarmActions
                case .ok: alarm.okActions
                case .insufficientData: alarm.insufficientDataActions
                }
                let payload = actions.isEmpty ? "" : Self.notification(alarm, old: old, new: state, reason: reason, at: at)
                notifications = actions.map { ($0, payload) }
            } else {
                // A composite alarm: the message names its rule instead of a metric.
                let parameters = Self.parameters(record.definition)
                let key = switch state {
                case .alarm: "AlarmActions"
                case .ok: "OKActions"
                case .insufficientData: "InsufficientDataActions"
                }
                let actions = parameters[key] as? [String] ?? []
                let payload = actions.isEmpty ? "" : Self.message(name: record.name, description: parameters["AlarmDescription"] as? String, old: old,
                                                                  new: state, reason: reason, at: at,
                                                                  subject: "\"AlarmRule\":\(Self.quote(parameters["AlarmRule"] as? String ?? ""))")
                notifications = actions.map { ($0, payload) }
            }
        }
        return AlarmTransition(alarmName: record.name, state: state.rawValue, reason: reason, reasonData: reasonData, at: at,
                               history: history, notifications: notifications)
    }

    /// The message SNS sends for a metric alarm's state change, written by hand (it is built for every
    /// change of a busy tick): ``message(name:description:old:new:reason:at:subject:)`` with the
    /// Trigger (the alarm's metric and rule).
    static func notification(_ a: MetricAlarm, old: String, new: AlarmState, reason: String, at: Int64) -> String {
        let dimensions = a.dimensions.map { "{\"value\":\(quote($0.value)),\"name\":\(quote($0.name))}" }.joined(separator: ",")
        let statistic: String
        switch a.statistic {
        case .simple(let s): statistic = "\"StatisticType\":\"Statistic\",\"Statistic\":\(quote(s.rawValue.uppercased()))"
        case .percentile(_, let name): statistic = "\"StatisticType\":\"ExtendedStatistic\",\"ExtendedStatistic\":\(quote(name)),\"Statistic\":null"
        }
        let trigger = "{\"MetricName\":\(quote(a.metricName)),\"Namespace\":\(quote(a.namespace)),\(statistic),"
            + "\"Unit\":\(a.unit.map(quote) ?? "null"),\"Dimensions\":[\(dimensions)],\"Period\":\(a.rule.periodSeconds),"
            + "\"EvaluationPeriods\":\(a.rule.evaluationPeriods),\"DatapointsToAlarm\":\(a.rule.datapointsToAlarm),"
            + "\"ComparisonOperator\":\(quote(a.rule.comparison.rawValue)),\"Threshold\":\(number(a.rule.threshold)),"
            + "\"TreatMissingData\":\(quote(a.rule.treatMissingData.rawValue)),\"EvaluateLowSampleCountPercentile\":\(quote(a.rule.percentile == nil ? "" : a.rule.evaluateLowSampleCountPercentile ? "evaluate" : "ignore"))}"
        return message(name: a.name, description: a.description, old: old, new: new, reason: reason, at: at, subject: "\"Trigger\":\(trigger)")
    }

    /// The fields every alarm notification has, then `subject` (a metric alarm's Trigger, a composite's AlarmRule).
    static func message(name: String, description: String?, old: String, new: AlarmState, reason: String, at: Int64, subject: String) -> String {
        "{\"AlarmName\":\(quote(name)),\"AlarmDescription\":\(description.map(quote) ?? "null"),\"NewStateValue\":\(quote(new.rawValue)),"
            + "\"NewStateReason\":\(quote(reason)),\"StateChangeTime\":\(quote(timestamp(at))),\"OldStateValue\":\(quote(old)),\(subject)}"
    }

    static func json(_ object: Any) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Parsed alarm definitions by name, reused while the stored definition is unchanged.
final class AlarmDefinitionCache: Sendable {
    let entries = Mutex<[String: (definition: String, alarm: MetricAlarm)]>([:])

    func alarm(_ record: AlarmRecord) -> MetricAlarm? {
        if let entry = entries.withLock({ $0[record.name] }), entry.definition == record.definition { return entry.alarm }
        guard let alarm = try? MetricAlarm.fromPutMetricAlarm(AlarmsService.parameters(record.definition)) else { return nil }
        entries.withLock { $0[record.name] = (record.definition, alarm) }
        return alarm
    }
}
