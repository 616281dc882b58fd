import Foundation
import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilPatterns
import VigilStore

/// The texts alarms write, in CloudWatch's formats: StateReasonData, history items (HistoryData) and
/// the notification message SNS would publish.
///
/// Written by hand rather than through Foundation's formatters and serializer: they are built for
/// every state change of a tick, and those made a tick of 10,000 changes take seconds (`vigil bench alarms`).
enum AlarmMessages {
    /// StateReasonData as CloudWatch writes it for metric alarms: the query and start dates, the
    /// statistic and period, the values of the range and the datapoints judged (newest first).
    static func reasonData(_ alarm: MetricAlarm, range: [AlarmDatapoint?], at time: Int64) -> String {
        let length = Int64(alarm.rule.periodSeconds) * 1000
        let newest = Period.floor(time, to: length) - length
        let start = newest - Int64(range.count - 1) * length
        var j = JSONBuffer(capacity: 512)
        j.raw("{\"version\":\"1.0\",\"queryDate\":")
        j.timestamp(time)
        j.raw(",\"startDate\":")
        j.timestamp(start)
        switch alarm.statistic {
        case .simple(let s):
            j.raw(",\"statistic\":")
            j.string(s.rawValue)
        case .percentile(_, let name):
            j.raw(",\"extendedStatistic\":")
            j.string(name)
        }
        j.raw(",\"period\":")
        j.integer(alarm.rule.periodSeconds)
        j.raw(",\"recentDatapoints\":")
        j.array(range.lazy.compactMap { $0 }) { j, d in j.number(d.value) }
        j.raw(",\"threshold\":")
        j.number(alarm.rule.threshold)
        j.raw(",\"evaluatedDatapoints\":")
        j.array(range.reversed().lazy.compactMap { $0 }.prefix(alarm.rule.evaluationPeriods)) { j, d in
            j.raw("{\"timestamp\":")
            j.timestamp(d.timestamp)
            j.raw(",\"sampleCount\":")
            j.number(d.sampleCount)
            j.raw(",\"value\":")
            j.number(d.value)
            j.raw("}")
        }
        if let unit = alarm.unit {
            j.raw(",\"unit\":")
            j.string(unit)
        }
        j.raw("}")
        return j.text
    }

    /// A StateUpdate history item: HistoryData is `{"newState":{…},"oldState":{stateValue,stateReason},"version":"1.0"}`.
    static func stateUpdate(_ record: AlarmRecord, to state: AlarmState, reason: String, reasonData: String?, at: Int64)
        -> AlarmHistoryItem
    {
        var j = JSONBuffer(capacity: 1024)
        j.raw("{\"newState\":{\"stateReason\":")
        j.string(reason)
        if let reasonData {
            j.raw(",\"stateReasonData\":")
            j.raw(reasonData)
        }
        j.raw(",\"stateValue\":")
        j.string(state.rawValue)
        j.raw("},\"oldState\":{\"stateReason\":")
        j.string(record.stateReason)
        j.raw(",\"stateValue\":")
        j.string(record.state.rawValue)
        j.raw("},\"version\":\"1.0\"}")
        return AlarmHistoryItem(
            alarmName: record.name, timestamp: at, type: .stateUpdate,
            summary: "Alarm updated from \(record.state.rawValue) to \(state.rawValue)", data: j.text)
    }

    /// The Action history item CloudWatch writes when an action has run: here, when the notification is
    /// queued for its topic (delivery to the topic's subscribers is the outbox's job), or failed to be
    /// (no such topic).
    static func action(_ alarmName: String, action: String, payload: String, at: Int64, failure: String?)
        -> AlarmHistoryItem
    {
        var j = JSONBuffer(capacity: payload.utf8.count + 256)
        j.raw(failure == nil ? "{\"actionState\":\"Succeeded\"" : "{\"actionState\":\"Failed\"")
        j.raw(",\"stateUpdateTimestamp\":")
        j.integer(at)
        j.raw(",\"notificationResource\":")
        j.string(action)
        if let failure {
            j.raw(",\"error\":")
            j.string(failure)
        } else {
            j.raw(",\"publishedMessage\":")
            j.string(payload)
        }
        j.raw("}")
        return AlarmHistoryItem(
            alarmName: alarmName, timestamp: at, type: .action,
            summary: failure == nil ? "Successfully executed action \(action)" : "Failed to execute action \(action)",
            data: j.text)
    }

    /// The history item of a created or updated alarm (HistoryData holds the definition given).
    static func configurationHistory(_ name: String, isNew: Bool, definition: String, at: Int64) -> AlarmHistoryItem {
        var j = JSONBuffer(capacity: definition.utf8.count + 64)
        j.raw("{\"version\":\"1.0\",\"type\":")
        j.string(isNew ? "Create" : "Update")
        j.raw(",\"createdAlarm\":")
        j.raw(definition)
        j.raw("}")
        return AlarmHistoryItem(
            alarmName: name, timestamp: at, type: .configurationUpdate,
            summary: isNew ? "Alarm \"\(name)\" created" : "Alarm \"\(name)\" updated", data: j.text)
    }

    /// The actions of an alarm, per state, as its notification lists them.
    struct Actions {
        let ok, alarm, insufficientData: [String]

        init(_ a: MetricAlarm) {
            (ok, alarm, insufficientData) = (a.okActions, a.alarmActions, a.insufficientDataActions)
        }

        /// A composite alarm's, from its PutCompositeAlarm input.
        init(_ p: CloudWatch.PutCompositeAlarmInput) {
            (ok, alarm, insufficientData) = (p.okActions ?? [], p.alarmActions ?? [], p.insufficientDataActions ?? [])
        }

        /// The actions run on entering `state`.
        subscript(state: AlarmState) -> [String] {
            switch state {
            case .ok: ok
            case .alarm: alarm
            case .insufficientData: insufficientData
            }
        }
    }

    /// The message SNS publishes for a metric alarm's state change: ``message(name:description:configurationUpdated:actions:old:new:reason:at:subject:)``
    /// with the Trigger (the alarm's metric and rule).
    static func notification(
        _ a: MetricAlarm, configurationUpdated: Int64, old: AlarmState, new: AlarmState, reason: String, at: Int64,
        account: AWSAccount
    ) -> String {
        message(
            name: a.name, description: a.description, configurationUpdated: configurationUpdated,
            actions: Actions(a),
            old: old, new: new, reason: reason, at: at, account: account
        ) { j in
            j.raw("\"Trigger\":{\"MetricName\":")
            j.string(a.metricName)
            j.raw(",\"Namespace\":")
            j.string(a.namespace)
            switch a.statistic {
            case .simple(let s):
                j.raw(",\"StatisticType\":\"Statistic\",\"Statistic\":")
                j.string(s.rawValue.uppercased())
            case .percentile(_, let name):
                j.raw(",\"StatisticType\":\"ExtendedStatistic\",\"ExtendedStatistic\":")
                j.string(name)
                j.raw(",\"Statistic\":null")
            }
            j.raw(",\"Unit\":")
            j.string(a.unit)
            j.raw(",\"Dimensions\":")
            j.array(a.dimensions) { j, d in
                j.raw("{\"value\":")
                j.string(d.value)
                j.raw(",\"name\":")
                j.string(d.name)
                j.raw("}")
            }
            j.raw(",\"Period\":")
            j.integer(a.rule.periodSeconds)
            j.raw(",\"EvaluationPeriods\":")
            j.integer(a.rule.evaluationPeriods)
            j.raw(",\"DatapointsToAlarm\":")
            j.integer(a.rule.datapointsToAlarm)
            j.raw(",\"ComparisonOperator\":")
            j.string(a.rule.comparison.rawValue)
            j.raw(",\"Threshold\":")
            j.number(a.rule.threshold)
            j.raw(",\"TreatMissingData\":")
            j.string(a.rule.treatMissingData.rawValue)
            j.raw(",\"EvaluateLowSampleCountPercentile\":")
            j.string(a.rule.percentile == nil ? "" : a.rule.evaluateLowSampleCountPercentile ? "evaluate" : "ignore")
            j.raw("}")
        }
    }

    /// The fields every alarm notification has, in CloudWatch's order (with the alarm's ARN, Vigil's
    /// account and region), then what `subject` writes: a metric alarm's Trigger, a composite's AlarmRule.
    static func message(
        name: String, description: String?, configurationUpdated: Int64, actions: Actions, old: AlarmState,
        new: AlarmState,
        reason: String, at: Int64, account: AWSAccount, subject: (inout JSONBuffer) -> Void
    ) -> String {
        func list(_ items: [String], _ j: inout JSONBuffer) { j.array(items) { j, item in j.string(item) } }
        var j = JSONBuffer(capacity: 1024)
        j.raw("{\"AlarmName\":")
        j.string(name)
        j.raw(",\"AlarmDescription\":")
        j.string(description)
        j.raw(",\"AWSAccountId\":")
        j.string(account.accountID)
        j.raw(",\"AlarmConfigurationUpdatedTimestamp\":")
        j.timestamp(configurationUpdated)
        j.raw(",\"NewStateValue\":")
        j.string(new.rawValue)
        j.raw(",\"NewStateReason\":")
        j.string(reason)
        j.raw(",\"StateChangeTime\":")
        j.timestamp(at)
        j.raw(",\"Region\":")
        j.string(account.regionName)
        j.raw(",\"AlarmArn\":")
        j.string(account.alarmARN(name))
        j.raw(",\"OldStateValue\":")
        j.string(old.rawValue)
        j.raw(",\"OKActions\":")
        list(actions.ok, &j)
        j.raw(",\"AlarmActions\":")
        list(actions.alarm, &j)
        j.raw(",\"InsufficientDataActions\":")
        list(actions.insufficientData, &j)
        j.raw(",")
        subject(&j)
        j.raw("}")
        return j.text
    }
}
