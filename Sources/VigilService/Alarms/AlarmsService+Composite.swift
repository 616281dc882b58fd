public import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilStore

/// Composite alarms: PutCompositeAlarm, their evaluation after their children, and action suppression.
extension AlarmsService {
    /// PutCompositeAlarm: a rule over other alarms' states. Every alarm it names must exist, and a rule
    /// that would make alarms depend on themselves is refused (CloudWatch allows such cycles and then
    /// stops evaluating them; Vigil does not let one be made). An ActionsSuppressor must exist too, and
    /// comes with its wait and extension periods.
    public func putCompositeAlarm(_ input: CloudWatch.PutCompositeAlarmInput) async throws {
        let name = input.alarmName
        guard (1...255).contains(name.count), name.unicodeScalars.allSatisfy(\.isASCII) else {
            throw CloudWatchError.invalid("The parameter AlarmName must be 1 to 255 ASCII characters.")
        }
        let rule: CompositeRule
        do { rule = try CompositeRule(parsing: input.alarmRule) } catch {
            throw CloudWatchError.invalid("AlarmRule is invalid: \(error.message) at character \(error.offset).")
        }
        for (key, list) in [
            ("AlarmActions", input.alarmActions), ("OKActions", input.okActions),
            ("InsufficientDataActions", input.insufficientDataActions),
        ] {
            if let list, list.count > 5 {
                throw CloudWatchError.invalid("The collection \(key) must not have a size greater than 5.")
            }
        }
        let suppressor = try Self.checkedSuppressor(input)
        let all = try await store.alarms(names: nil, prefix: nil, state: nil)
        let known = Set(all.map(\.name))
        for child in rule.children where !known.contains(child) && child != name {
            throw CloudWatchError.invalid("AlarmRule names the alarm \(child), which does not exist.")
        }
        if let suppressor {
            guard suppressor.alarm != name else {
                throw CloudWatchError.invalid("A composite alarm cannot be its own ActionsSuppressor.")
            }
            guard known.contains(suppressor.alarm) else {
                throw CloudWatchError.invalid("The ActionsSuppressor \(suppressor.alarm) does not exist.")
            }
        }
        // Cycles: follow the rules of composite alarms from this one's children back to it.
        var rules = Dictionary(uniqueKeysWithValues: all.compactMap { r in compositeRule(r).map { (r.name, $0) } })
        rules[name] = rule
        var stack = rule.children
        var seen: Set<String> = []
        while let next = stack.popLast() {
            if next == name {
                throw CloudWatchError.invalid(
                    "AlarmRule makes \(name) depend on itself (through \(rule.children.joined(separator: ", "))): composite alarms cannot form a cycle."
                )
            }
            guard seen.insert(next).inserted else { continue }
            stack += rules[next]?.children ?? []
        }
        var stored = input
        if let previous = all.first(where: { $0.name == name }) {
            // As for metric alarms, an update ignores Tags.
            let tags = StoredDefinition(previous)?.tags ?? []
            stored.tags = tags.isEmpty ? nil : tags
        } else {
            try Self.checkTags(input.tags ?? [])
        }
        let definition = StoredDefinition.text(stored)
        let at = now()
        let history = AlarmMessages.configurationHistory(
            name, isNew: !known.contains(name), definition: definition, at: at)
        try await store.putAlarms([(name, definition, "", "", input.actionsEnabled ?? true, history)], now: at)
    }

    /// ActionsSuppressor with ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod (both
    /// required with it, and only with it; whole seconds, at least 0).
    static func checkedSuppressor(_ input: CloudWatch.PutCompositeAlarmInput) throws(CloudWatchError)
        -> ActionsSuppressor?
    {
        let periods = [
            ("ActionsSuppressorWaitPeriod", input.actionsSuppressorWaitPeriod),
            ("ActionsSuppressorExtensionPeriod", input.actionsSuppressorExtensionPeriod),
        ]
        guard let alarm = input.actionsSuppressor else {
            if let given = periods.first(where: { $0.1 != nil }) {
                throw .combination("The parameter \(given.0) can only be given with ActionsSuppressor.")
            }
            return nil
        }
        guard (1...1600).contains(alarm.count) else {
            throw .invalid("The parameter ActionsSuppressor must be an alarm name or ARN of 1 to 1600 characters.")
        }
        var seconds: [Int] = []
        for (key, value) in periods {
            guard let value else {
                throw CloudWatchError(
                    .missingParameter, "The parameter \(key) is required when ActionsSuppressor is given.")
            }
            guard value >= 0 else {
                throw .invalid("The parameter \(key) must be a whole number of seconds, at least 0.")
            }
            seconds.append(Int(value))
        }
        return ActionsSuppressor(alarm: alarmName(alarm), waitPeriod: seconds[0], extensionPeriod: seconds[1])
    }

    /// The rule of a stored composite alarm; nil for a metric alarm.
    func compositeRule(_ r: AlarmRecord) -> CompositeRule? { cache.composite(r)?.rule }

    /// The ActionsSuppressor of a stored composite alarm, if it has one.
    func suppressor(_ r: AlarmRecord) -> ActionsSuppressor? { cache.composite(r)?.suppressor }

    /// Composite alarms follow their children: ALARM when the rule holds, OK when it does not. Each is
    /// evaluated after the alarms it names (there are no cycles), so a chain settles in one evaluation.
    ///
    /// The reason names the child whose change triggered the composite's, as CloudWatch writes it
    /// (`arn:…:alarm:child transitioned to ALARM at Friday 04 August, 2023 12:54:46 UTC`), and
    /// StateReasonData lists the triggering alarms: those that changed in this evaluation, or, when none
    /// did (a new or updated composite), all its children.
    /// `excluding` names an alarm whose state was just set (SetAlarmState): it is not re-evaluated.
    func compositeTransitions(
        _ records: [AlarmRecord], _ states: inout [String: AlarmState], at time: Int64,
        excluding: String? = nil
    ) -> [AlarmTransition] {
        let composites = records.compactMap { r in r.name == excluding ? nil : compositeRule(r).map { (r, $0) } }
        guard !composites.isEmpty else { return [] }
        let stored = Dictionary(uniqueKeysWithValues: records.map { ($0.name, $0) })
        var done: Set<String> = []
        var out: [AlarmTransition] = []
        var changedAt: [String: Int64] = [:]
        for (name, state) in states where stored[name].map({ $0.state != state }) ?? false {
            changedAt[name] = time
        }
        var pending = composites
        while !pending.isEmpty {
            let names = Set(pending.map(\.0.name))
            let ready = pending.filter { _, rule in
                rule.children.allSatisfy { !names.contains($0) || done.contains($0) }
            }
            guard !ready.isEmpty else { break }  // unreachable: cycles are refused when alarms are put
            for (record, rule) in ready {
                done.insert(record.name)
                let new: AlarmState = rule.holds(states) ? .alarm : .ok
                guard new != states[record.name] else { continue }
                var triggering = rule.children.filter { changedAt[$0] != nil }
                if triggering.isEmpty { triggering = rule.children }
                let entries = triggering.map { child in
                    (
                        arn: arn(child), state: states[child] ?? .insufficientData,
                        at: changedAt[child] ?? stored[child]?.stateUpdated ?? time
                    )
                }
                let reason =
                    entries.first.map { "\($0.arn) transitioned to \($0.state.rawValue) at \(UTCDateText.long($0.at))" }
                    ?? "The alarm rule \(new == .alarm ? "holds" : "does not hold") without any child alarm."
                var data = JSONBuffer(capacity: 128 * entries.count + 32)
                data.raw("{\"triggeringAlarms\":")
                data.array(entries) { j, e in
                    j.raw("{\"arn\":")
                    j.string(e.arn)
                    j.raw(",\"state\":{\"value\":")
                    j.string(e.state.rawValue)
                    j.raw(",\"timestamp\":")
                    j.timestamp(e.at)
                    j.raw("}}")
                }
                data.raw("}")
                states[record.name] = new
                changedAt[record.name] = time
                out.append(transition(record, to: new, reason: reason, reasonData: data.text, at: time))
            }
            pending.removeAll { done.contains($0.0.name) }
        }
        return out
    }

    /// Applies action suppression to an evaluation's transitions (`states` are the alarms' states after
    /// it): changes of suppressors, then of the composites they silence, then the end of wait and
    /// extension periods. Marks the transitions whose notifications are held, and returns the
    /// suppression changes to commit with them (releases of held notifications among them).
    func suppress(
        _ records: [AlarmRecord], _ transitions: inout [AlarmTransition], _ states: [String: AlarmState], at time: Int64
    ) -> [SuppressionUpdate] {
        var updates: [SuppressionUpdate] = []
        let changed = Dictionary(
            transitions.enumerated().map { ($1.alarmName, $0) }, uniquingKeysWith: { first, _ in first })
        for record in records {
            guard let settings = suppressor(record) else { continue }
            var s = record.suppression
            let suppressorState = states[settings.alarm] ?? .insufficientData
            if changed[settings.alarm] != nil { s.suppressorChanged(to: suppressorState, at: time, settings) }
            if let i = changed[record.name] {
                let runs = s.compositeChanged(
                    to: states[record.name] ?? .insufficientData, suppressorState: suppressorState, at: time, settings)
                transitions[i].holdsNotifications = !runs
                if transitions[i].notifications.isEmpty { s.held = false }
            }
            let release = s.advance(to: time) == .release
            if s != record.suppression || release {
                updates.append(SuppressionUpdate(alarmName: record.name, suppression: s, release: release, at: time))
            }
        }
        return updates
    }

    /// An alarm's ARN: `arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`.
    public func arn(_ name: String) -> String { account.alarmARN(name) }
}
