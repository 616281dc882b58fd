public import VigilAlarms

/// A stored metric alarm: its definition (PutMetricAlarm's parameters as JSON) and its state.
public struct AlarmRecord: Sendable, Equatable {
    public let name: String
    /// PutMetricAlarm's parameters, as JSON with sorted keys.
    public let definition: String
    public let namespace: String
    public let metricName: String
    public let state: AlarmState
    public let stateReason: String
    public let stateReasonData: String?
    public let stateUpdated: Int64
    public let actionsEnabled: Bool
    public let configurationUpdated: Int64
    /// A composite alarm's action suppression: ActionsSuppressedBy, when its period ends, and
    /// whether its latest change's notifications are held back.
    public let suppression: ActionsSuppression

    public init(
        name: String, definition: String, namespace: String, metricName: String, state: AlarmState, stateReason: String,
        stateReasonData: String?, stateUpdated: Int64, actionsEnabled: Bool, configurationUpdated: Int64,
        suppression: ActionsSuppression = ActionsSuppression()
    ) {
        self.name = name
        self.definition = definition
        self.namespace = namespace
        self.metricName = metricName
        self.state = state
        self.stateReason = stateReason
        self.stateReasonData = stateReasonData
        self.stateUpdated = stateUpdated
        self.actionsEnabled = actionsEnabled
        self.configurationUpdated = configurationUpdated
        self.suppression = suppression
    }
}

/// A change of a composite alarm's suppression, committed with the tick's transitions; `release`
/// turns its held notifications into pending ones (their actions run).
public struct SuppressionUpdate: Sendable {
    public let alarmName: String
    public let suppression: ActionsSuppression
    public let release: Bool
    public let at: Int64

    public init(alarmName: String, suppression: ActionsSuppression, release: Bool, at: Int64) {
        self.alarmName = alarmName
        self.suppression = suppression
        self.release = release
        self.at = at
    }
}

/// One entry of an alarm's history (DescribeAlarmHistory's AlarmHistoryItem).
public struct AlarmHistoryItem: Sendable, Equatable {
    public let id: Int64
    public let alarmName: String
    public let timestamp: Int64
    public let type: Kind
    public let summary: String
    /// HistoryData: JSON.
    public let data: String

    /// What an item records, stored as DescribeAlarmHistory's HistoryItemType spells it.
    public enum Kind: String, Sendable, CaseIterable {
        case configurationUpdate = "ConfigurationUpdate"
        case stateUpdate = "StateUpdate"
        case action = "Action"
    }

    public init(id: Int64 = 0, alarmName: String, timestamp: Int64, type: Kind, summary: String, data: String) {
        self.id = id
        self.alarmName = alarmName
        self.timestamp = timestamp
        self.type = type
        self.summary = summary
        self.data = data
    }
}

/// A notification an alarm transition asked for, waiting in the outbox for delivery.
public struct OutboxMessage: Sendable, Equatable {
    public let id: Int64
    public let created: Int64
    public let alarmName: String
    /// The action (a topic ARN or webhook) to notify.
    public let action: String
    public let payload: String
    public let status: Status

    /// Where a message stands, stored as these words.
    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for delivery.
        case pending
        /// Held back by a composite alarm's ActionsSuppressor.
        case held
        /// Replaced by a newer change while held; never sent.
        case dropped
        /// Handed to its topic: one delivery queued per subscriber.
        case published
        /// Its action could not run (no such topic, or not an SNS action); the alarm's history says so.
        case failed
    }
}

/// A state change to commit: the alarm's new state, its history item and its notifications, together.
public struct AlarmTransition: Sendable {
    public let alarmName: String
    /// The state the change was computed from: it applies only while the alarm is still in it.
    public let from: AlarmState
    public let state: AlarmState
    public let reason: String
    public let reasonData: String?
    public let at: Int64
    public let history: AlarmHistoryItem
    /// (action, payload) per notification.
    public let notifications: [(action: String, payload: String)]
    /// The notifications wait in the outbox, held back by an ActionsSuppressor, instead of being sent.
    public var holdsNotifications = false

    public init(
        alarmName: String, from: AlarmState, state: AlarmState, reason: String, reasonData: String?, at: Int64,
        history: AlarmHistoryItem,
        notifications: [(action: String, payload: String)]
    ) {
        self.alarmName = alarmName
        self.from = from
        self.state = state
        self.reason = reason
        self.reasonData = reasonData
        self.at = at
        self.history = history
        self.notifications = notifications
    }
}

/// Persistence of alarms, their history and the notification outbox. Each call is one
/// transaction, as for ``LogStore``.
public protocol AlarmStore: Sendable {
    /// Creates the alarm in INSUFFICIENT_DATA, or replaces its definition keeping its state; records the
    /// history item. Returns whether it was created.
    func putAlarm(
        name: String, definition: String, namespace: String, metricName: String, actionsEnabled: Bool, now: Int64,
        history: AlarmHistoryItem
    ) async throws -> Bool
    /// ``putAlarm(name:definition:namespace:metricName:actionsEnabled:now:history:)`` for many alarms in one transaction.
    func putAlarms(
        _ alarms: [(
            name: String, definition: String, namespace: String, metricName: String, actionsEnabled: Bool,
            history: AlarmHistoryItem
        )],
        now: Int64) async throws
    /// Alarms in name order: those named (any number), with `prefix`, in `state`.
    func alarms(names: [String]?, prefix: String?, state: AlarmState?) async throws -> [AlarmRecord]
    /// Replaces an alarm's stored definition without it counting as a configuration change (tags).
    func setDefinition(name: String, definition: String) async throws
    /// Deletes the alarms; `notFound(.alarm)` (deleting none) if one does not exist.
    func deleteAlarms(names: [String]) async throws
    func setActionsEnabled(names: [String], enabled: Bool) async throws
    /// Commits state changes, their history items and their notifications, and changes of composite
    /// alarms' action suppression, in one transaction. Each notification queued for sending (not held,
    /// or released) gets the `Action` history item `actionHistory` makes of it: with the reason it failed
    /// when its action is not an SNS topic that exists (the outbox message is then `failed`, never sent).
    ///
    /// A transition is a compare-and-set on the state it was computed from (``AlarmTransition/from``):
    /// when the stored state is no longer that one (another evaluator committed first), the transition
    /// is skipped with its history and notifications, so a change is never recorded or sent twice.
    /// A transition of an alarm that does not exist fails the whole commit (`notFound(.alarm)`).
    /// Returns the names of the alarms whose transitions were applied.
    @discardableResult
    func commit(
        _ transitions: [AlarmTransition], suppression: [SuppressionUpdate],
        actionHistory:
            @escaping @Sendable (
                _ alarmName: String, _ action: String, _ payload: String, _ at: Int64, _ failure: String?
            )
            -> AlarmHistoryItem
    ) async throws -> [String]
    /// History items in timestamp order (oldest or newest first; items of one timestamp in the order
    /// written), from after the item `afterID` when given; only of the alarms `names` lets through.
    func history(
        alarmName: String?, names: AlarmNameFilter?, type: AlarmHistoryItem.Kind?, start: Int64?, end: Int64?,
        ascending: Bool, limit: Int, afterID: Int64?
    ) async throws -> [AlarmHistoryItem]
    /// Outbox messages in the order queued.
    func outbox(status: OutboxMessage.Status?) async throws -> [OutboxMessage]
}

/// Which alarms a history query reads, by name (DescribeAlarmHistory's AlarmTypes: the names of the
/// composite alarms, or all but them).
public enum AlarmNameFilter: Sendable, Equatable {
    case only(Set<String>)
    case except(Set<String>)
}

extension AlarmStore {
    /// History items of every alarm (see ``history(alarmName:names:type:start:end:ascending:limit:afterID:)``).
    public func history(
        alarmName: String?, type: AlarmHistoryItem.Kind?, start: Int64?, end: Int64?, ascending: Bool, limit: Int,
        afterID: Int64?
    ) async throws -> [AlarmHistoryItem] {
        try await history(
            alarmName: alarmName, names: nil, type: type, start: start, end: end, ascending: ascending, limit: limit,
            afterID: afterID)
    }
}
