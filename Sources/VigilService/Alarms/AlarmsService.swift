public import VigilAlarms
public import VigilStore
import VigilMetrics
import Foundation

/// CloudWatch's metric alarm API over the store, and the evaluation tick the scheduler runs each minute.
///
/// A state change, its history item and the notifications it asks for are committed in one
/// transaction (the outbox): a crash can neither lose a notification nor send one for a change that
/// did not commit (docs/alarms.md).
public struct AlarmsService: Sendable {
    public let store: SQLiteLogStore
    let now: @Sendable () -> Int64

    public init(store: SQLiteLogStore, now: (@Sendable () -> Int64)? = nil) {
        self.store = store
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    static func error(_ e: AlarmDefinitionError) -> ServiceError { ServiceError(e.code, e.message) }

    /// PutMetricAlarm: creates the alarm in INSUFFICIENT_DATA, or updates it keeping its state and history.
    public func putMetricAlarm(_ parameters: [String: Any]) throws {
        let alarm: MetricAlarm
        do { alarm = try MetricAlarm.fromPutMetricAlarm(parameters) } catch { throw Self.error(error) }
        let definition = String(decoding: try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys]), as: UTF8.self)
        let at = now()
        let existing = try store.alarms(names: [alarm.name], prefix: nil, state: nil).first
        let summary = existing == nil ? "Alarm \"\(alarm.name)\" created" : "Alarm \"\(alarm.name)\" updated"
        let data = Self.json(["version": "1.0", "type": existing == nil ? "Create" : "Update", "createdAlarm": parameters])
        _ = try store.putAlarm(name: alarm.name, definition: definition, namespace: alarm.namespace, metricName: alarm.metricName,
                               actionsEnabled: alarm.actionsEnabled, now: at,
                               history: AlarmHistoryItem(alarmName: alarm.name, timestamp: at, type: "ConfigurationUpdate", summary: summary, data: data))
    }

    /// DescribeAlarms: by names (at most 100), name prefix and state, 100 per page by default.
    public func describeAlarms(names: [String]? = nil, prefix: String? = nil, state: String? = nil, maxRecords: Int? = nil,
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
        let offset = try nextToken.map { try PageToken.decodeOffset($0) } ?? 0
        let all = try store.alarms(names: names, prefix: prefix, state: state)
        let page = Array(all.dropFirst(offset).prefix(limit))
        return (page, offset + page.count < all.count ? PageToken.encodeOffset(offset + page.count) : nil)
    }

    /// The stored alarms named (no API limit on their number: for the scheduler's reports).
    public func records(_ names: [String]) throws -> [AlarmRecord] {
        names.isEmpty ? [] : try store.alarms(names: names, prefix: nil, state: nil)
    }

    /// DeleteAlarms: all or none.
    public func deleteAlarms(_ names: [String]) throws {
        guard !names.isEmpty, names.count <= 100 else { throw ServiceError("InvalidParameterValue", "Give 1 to 100 AlarmNames.") }
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
        try transition(record, to: newState, reason: reason, reasonData: reasonData, at: now())
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

    /// One evaluation tick at `time`: every alarm judges its evaluation range; changes are committed.
    /// Returns the alarms that changed state.
    @discardableResult
    public func evaluate(at time: Int64) throws -> [String] {
        var changed: [String] = []
        for record in try store.alarms(names: nil, prefix: nil, state: nil) {
            guard let parameters = try JSONSerialization.jsonObject(with: Data(record.definition.utf8)) as? [String: Any],
                  let alarm = try? MetricAlarm.fromPutMetricAlarm(parameters) else { continue }
            let length = Int64(alarm.rule.periodSeconds) * 1000
            let from = Period.floor(time, to: length) - Int64(alarm.rule.evaluationRange + 1) * length
            var datapoints: [MetricDatapoint] = []
            let wanted = MetricKey(namespace: alarm.namespace, name: alarm.metricName, dimensions: alarm.dimensions).canonicalDimensions
            for key in try store.metrics(namespace: alarm.namespace, name: alarm.metricName, activeSince: nil)
                where key.canonicalDimensions == wanted && (alarm.unit == nil || key.unit == alarm.unit) {
                let percentile = if case .percentile = alarm.statistic { true } else { false }
                for (start, set) in try store.aggregates(key, start: from, end: time, highResolution: alarm.rule.periodSeconds < 60, distributions: percentile) {
                    datapoints.append(MetricDatapoint(key: key, timestamp: start, values: set))
                }
            }
            let current = AlarmState(rawValue: record.state) ?? .insufficientData
            let evaluation = AlarmEvaluator.evaluate(alarm.rule, range: AlarmBacktest(alarm: alarm, datapoints: datapoints).range(at: time), current: current)
            guard evaluation.state != current else { continue }
            try transition(record, to: evaluation.state, reason: evaluation.reason, reasonData: nil, at: time, alarm: alarm)
            changed.append(record.name)
        }
        return changed
    }

    /// Commits a state change with its history item and, when actions are enabled, one outbox message per action.
    func transition(_ record: AlarmRecord, to state: AlarmState, reason: String, reasonData: String?, at: Int64, alarm: MetricAlarm? = nil) throws {
        let old = record.state
        var newState: [String: Any] = ["stateValue": state.rawValue, "stateReason": reason]
        if let reasonData, let object = try? JSONSerialization.jsonObject(with: Data(reasonData.utf8)) { newState["stateReasonData"] = object }
        let history = AlarmHistoryItem(alarmName: record.name, timestamp: at, type: "StateUpdate",
                                       summary: "Alarm updated from \(old) to \(state.rawValue)",
                                       data: Self.json(["version": "1.0", "oldState": ["stateValue": old, "stateReason": record.stateReason], "newState": newState]))
        var notifications: [(action: String, payload: String)] = []
        let parameters = (try? JSONSerialization.jsonObject(with: Data(record.definition.utf8))) as? [String: Any] ?? [:]
        if record.actionsEnabled {
            let key = switch state {
            case .alarm: "AlarmActions"
            case .ok: "OKActions"
            case .insufficientData: "InsufficientDataActions"
            }
            for action in parameters[key] as? [String] ?? [] {
                notifications.append((action, Self.notification(record, parameters, old: old, new: state, reason: reason, at: at)))
            }
        }
        try store.commit(AlarmTransition(alarmName: record.name, state: state.rawValue, reason: reason, reasonData: reasonData, at: at,
                                         history: history, notifications: notifications))
    }

    /// The message SNS sends for an alarm state change (AlarmName, NewStateValue, Trigger, …).
    static func notification(_ r: AlarmRecord, _ p: [String: Any], old: String, new: AlarmState, reason: String, at: Int64) -> String {
        var trigger: [String: Any] = ["MetricName": r.metricName, "Namespace": r.namespace, "StatisticType": p["Statistic"] != nil ? "Statistic" : "ExtendedStatistic",
                                      "Statistic": (p["Statistic"] as? String)?.uppercased() ?? NSNull(), "Unit": p["Unit"] ?? NSNull(),
                                      "Dimensions": (p["Dimensions"] as? [[String: Any]] ?? []).map { ["name": $0["Name"] ?? "", "value": $0["Value"] ?? ""] },
                                      "Period": p["Period"] ?? 0, "EvaluationPeriods": p["EvaluationPeriods"] ?? 0,
                                      "ComparisonOperator": p["ComparisonOperator"] ?? "", "Threshold": p["Threshold"] ?? 0,
                                      "TreatMissingData": p["TreatMissingData"] ?? "missing", "EvaluateLowSampleCountPercentile": p["EvaluateLowSampleCountPercentile"] ?? ""]
        if let e = p["ExtendedStatistic"] { trigger["ExtendedStatistic"] = e }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return json(["AlarmName": r.name, "AlarmDescription": p["AlarmDescription"] ?? NSNull(), "NewStateValue": new.rawValue,
                     "NewStateReason": reason, "StateChangeTime": f.string(from: Date(timeIntervalSince1970: Double(at) / 1000)).replacingOccurrences(of: "Z", with: "+0000"),
                     "OldStateValue": old, "Trigger": trigger])
    }

    static func json(_ object: Any) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
