import Synchronization
import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilStore

/// An alarm's definition as stored: the PutMetricAlarm or PutCompositeAlarm input it was made from,
/// as compact JSON (a composite alarm has no namespace in its record).
enum StoredDefinition {
    case metric(CloudWatch.PutMetricAlarmInput)
    case composite(CloudWatch.PutCompositeAlarmInput)

    /// Reads a record's definition; nil when it does not decode (it was written by this decoder's
    /// encoder, so that means damage).
    init?(_ record: AlarmRecord) {
        let bytes = Array(record.definition.utf8)
        if record.namespace.isEmpty {
            guard let input = try? APIDecoder.decode(CloudWatch.PutCompositeAlarmInput.self, from: bytes) else {
                return nil
            }
            self = .composite(input)
        } else {
            guard let input = try? APIDecoder.decode(CloudWatch.PutMetricAlarmInput.self, from: bytes) else {
                return nil
            }
            self = .metric(input)
        }
    }

    /// The definition's text, to store.
    static func text(_ input: some Encodable) -> String { (try? AWSCLIJSON.compact(input)) ?? "{}" }

    var tags: [CloudWatch.Tag] {
        switch self {
        case .metric(let i): i.tags ?? []
        case .composite(let i): i.tags ?? []
        }
    }

    /// The same definition with other tags (nil: none).
    func with(tags: [CloudWatch.Tag]?) -> String {
        switch self {
        case .metric(var i):
            i.tags = tags
            return Self.text(i)
        case .composite(var i):
            i.tags = tags
            return Self.text(i)
        }
    }

    /// Every action the alarm names, in any state.
    var actions: [String] {
        switch self {
        case .metric(let i): (i.alarmActions ?? []) + (i.okActions ?? []) + (i.insufficientDataActions ?? [])
        case .composite(let i): (i.alarmActions ?? []) + (i.okActions ?? []) + (i.insufficientDataActions ?? [])
        }
    }
}

/// Parsed alarm definitions by name, reused while an alarm's stored definition is unchanged: a metric
/// alarm with the key of its metric's aggregates, a composite alarm with its rule and suppressor.
/// PutMetricAlarm fills it, so a server's first tick does not parse.
final class AlarmDefinitionCache: Sendable {
    struct Entry {
        let definition: String
        let input: CloudWatch.PutMetricAlarmInput
        let alarm: MetricAlarm
        /// ``AlarmsService/metricID(_:_:_:_:)`` of the alarm's metric.
        let metricID: String
    }

    struct CompositeEntry {
        let definition: String
        let input: CloudWatch.PutCompositeAlarmInput
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
        guard case .metric(let input) = StoredDefinition(record), let alarm = try? MetricAlarm(validating: input) else {
            return nil
        }
        return store(alarm, input: input, definition: record.definition)
    }

    @discardableResult
    func store(_ alarm: MetricAlarm, input: CloudWatch.PutMetricAlarmInput, definition: String) -> Entry {
        let id = AlarmsService.metricID(
            alarm.namespace, alarm.metricName,
            MetricKey(namespace: "", name: "", dimensions: alarm.dimensions).canonicalDimensions,
            alarm.rule.periodSeconds < 60)
        let entry = Entry(definition: definition, input: input, alarm: alarm, metricID: id)
        entries.withLock { $0[alarm.name] = entry }
        return entry
    }

    /// A composite alarm's rule and suppressor; nil for a metric alarm.
    func composite(_ record: AlarmRecord) -> CompositeEntry? {
        guard record.namespace.isEmpty else { return nil }
        if let entry = composites.withLock({ $0[record.name] }), entry.definition == record.definition { return entry }
        guard case .composite(let input) = StoredDefinition(record),
            let rule = try? CompositeRule(parsing: input.alarmRule)
        else { return nil }
        let entry = CompositeEntry(
            definition: record.definition, input: input, rule: rule,
            suppressor: try? AlarmsService.checkedSuppressor(input))
        composites.withLock { $0[record.name] = entry }
        return entry
    }
}
