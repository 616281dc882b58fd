/// A composite alarm's ActionsSuppressor: the alarm whose ALARM state silences it, and the two
/// periods around that state (PutCompositeAlarm's ActionsSuppressor, ActionsSuppressorWaitPeriod and
/// ActionsSuppressorExtensionPeriod; the periods in seconds).
public struct ActionsSuppressor: Sendable, Equatable {
    public let alarm: String
    public let waitPeriod: Int
    public let extensionPeriod: Int

    public init(alarm: String, waitPeriod: Int, extensionPeriod: Int) {
        self.alarm = alarm
        self.waitPeriod = waitPeriod
        self.extensionPeriod = extensionPeriod
    }
}

/// Whether a composite alarm's actions are being suppressed, why, and until when; and whether the
/// actions of its latest state change are held back, waiting to be run or dropped.
///
/// The rules (docs/alarms.md, "Action suppression"):
/// - While the suppressor is in ALARM, the composite's actions are suppressed (`Alarm`).
/// - When the suppressor leaves ALARM, suppression lasts ExtensionPeriod more seconds (`ExtensionPeriod`).
/// - When the composite goes into ALARM while the suppressor is not in ALARM, its actions wait up to
///   WaitPeriod seconds for the suppressor to go into ALARM (`WaitPeriod`).
/// - Actions held back run when the wait or extension period ends, if the composite has not changed
///   state since; a newer state change replaces (drops) them.
public struct ActionsSuppression: Sendable, Equatable {
    /// ActionsSuppressedBy, spelled as the API spells it.
    public enum Cause: String, Sendable, Codable, CaseIterable {
        case alarm = "Alarm"
        case waitPeriod = "WaitPeriod"
        case extensionPeriod = "ExtensionPeriod"
    }

    public var cause: Cause?
    /// When a wait or extension period ends (epoch ms).
    public var until: Int64?
    /// The actions of the composite's latest state change are held back.
    public var held: Bool

    public init(cause: Cause? = nil, until: Int64? = nil, held: Bool = false) {
        self.cause = cause
        self.until = until
        self.held = held
    }

    /// ActionsSuppressedReason.
    public var reason: String? { cause.map { "Actions suppressed by \($0.rawValue)" } }

    /// What one evaluation does to the held actions of the composite.
    public enum Outcome: Sendable, Equatable {
        /// Nothing changes for the actions already held (if any).
        case keep
        /// The held actions run now.
        case release
    }

    /// The suppressor changed state at `time`.
    public mutating func suppressorChanged(to state: AlarmState, at time: Int64, _ settings: ActionsSuppressor) {
        if state == .alarm {
            cause = .alarm
            until = nil
        } else if cause == .alarm {
            cause = .extensionPeriod
            until = time + Int64(settings.extensionPeriod) * 1000
        }
    }

    /// The composite changed state at `time` (after any change of the suppressor in the same
    /// evaluation). Returns whether the change's actions run now; if not, they are held. Actions held
    /// from an earlier change are dropped either way.
    public mutating func compositeChanged(
        to state: AlarmState, suppressorState: AlarmState, at time: Int64, _ settings: ActionsSuppressor
    ) -> Bool {
        if suppressorState == .alarm {
            cause = .alarm
            until = nil
        } else if cause == .extensionPeriod || cause == .waitPeriod, let until, time < until {
            // Still inside a period: the change waits for it to end.
        } else if state == .alarm && settings.waitPeriod > 0 {
            cause = .waitPeriod
            until = time + Int64(settings.waitPeriod) * 1000
        } else {
            cause = nil
            until = nil
            held = false
            return true
        }
        held = true
        return false
    }

    /// Time passed to `time`: a wait or extension period that has ended lets held actions run.
    public mutating func advance(to time: Int64) -> Outcome {
        guard cause == .waitPeriod || cause == .extensionPeriod, let until, time >= until else { return .keep }
        cause = nil
        self.until = nil
        defer { held = false }
        return held ? .release : .keep
    }
}
