import Foundation
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
        let statistic = switch alarm.statistic {
        case .simple(let s): "\"statistic\":\(quote(s.rawValue))"
        case .percentile(_, let name): "\"extendedStatistic\":\(quote(name))"
        }
        let recent = range.compactMap { $0.map { number($0.value) } }.joined(separator: ",")
        let evaluated = range.reversed().compactMap { $0 }.prefix(alarm.rule.evaluationPeriods).map { d in
            "{\"timestamp\":\(timestamp(d.timestamp)),\"sampleCount\":\(number(d.sampleCount)),\"value\":\(number(d.value))}"
        }.joined(separator: ",")
        let unit = alarm.unit.map { ",\"unit\":\(quote($0))" } ?? ""
        return "{\"version\":\"1.0\",\"queryDate\":\(timestamp(time)),\"startDate\":\(timestamp(start)),\(statistic),"
            + "\"period\":\(alarm.rule.periodSeconds),\"recentDatapoints\":[\(recent)],\"threshold\":\(number(alarm.rule.threshold)),"
            + "\"evaluatedDatapoints\":[\(evaluated)]\(unit)}"
    }

    /// `"2019-05-24T21:19:27.553+0000"`: a time as StateReasonData and notifications write it, quoted.
    static func timestamp(_ ms: Int64) -> String { "\"" + UTCDateText.iso(ms) + "\"" }

    /// A JSON number (integral values as `4.0`).
    static func number(_ v: Double) -> String { AlarmEvaluator.format(v) }

    /// A JSON string literal (the one quoting the CLI's output uses).
    static func quote(_ s: String) -> String { JSONString.quote(s) }

    /// A StateUpdate history item: HistoryData is `{"newState":{…},"oldState":{stateValue,stateReason},"version":"1.0"}`.
    static func stateUpdate(_ record: AlarmRecord, to state: AlarmState, reason: String, reasonData: String?, at: Int64) -> AlarmHistoryItem {
        let embedded = reasonData.map { ",\"stateReasonData\":\($0)" } ?? ""
        let data = "{\"newState\":{\"stateReason\":\(quote(reason))\(embedded),\"stateValue\":\(quote(state.rawValue))},"
            + "\"oldState\":{\"stateReason\":\(quote(record.stateReason)),\"stateValue\":\(quote(record.state))},\"version\":\"1.0\"}"
        return AlarmHistoryItem(alarmName: record.name, timestamp: at, type: "StateUpdate",
                                summary: "Alarm updated from \(record.state) to \(state.rawValue)", data: data)
    }

    /// The Action history item CloudWatch writes when an action has run: here, when the notification is
    /// queued for its topic (delivery to the topic's subscribers is the outbox's job).
    static func action(_ alarmName: String, action: String, payload: String, at: Int64) -> AlarmHistoryItem {
        AlarmHistoryItem(alarmName: alarmName, timestamp: at, type: "Action", summary: "Successfully executed action \(action)",
                         data: "{\"actionState\":\"Succeeded\",\"stateUpdateTimestamp\":\(at),\"notificationResource\":\(quote(action)),"
                             + "\"publishedMessage\":\(quote(payload))}")
    }

    /// The history item of a created or updated alarm (HistoryData holds the parameters given).
    static func configurationHistory(_ name: String, isNew: Bool, _ parameters: [String: Any], at: Int64) -> AlarmHistoryItem {
        AlarmHistoryItem(alarmName: name, timestamp: at, type: "ConfigurationUpdate",
                         summary: isNew ? "Alarm \"\(name)\" created" : "Alarm \"\(name)\" updated",
                         data: AlarmsService.json(["version": "1.0", "type": isNew ? "Create" : "Update", "createdAlarm": parameters]))
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
            + "\"NewStateReason\":\(quote(reason)),\"StateChangeTime\":\(timestamp(at)),\"OldStateValue\":\(quote(old)),\(subject)}"
    }
}
