import Testing
import VigilAlarms

/// A composite alarm's actions under an ActionsSuppressor: held while the suppressor is in ALARM, during
/// the wait period and the extension period; run when a period ends; replaced by a newer change.
struct ActionsSuppressionTests {
    static let settings = ActionsSuppressor(alarm: "Maintenance", waitPeriod: 120, extensionPeriod: 180)
    static let t: Int64 = 1_795_600_200_000

    @Test(
        "while the suppressor is in ALARM, a change's actions are held; they run when the extension period after it ends"
    )
    func suppressorInAlarm() {
        var s = ActionsSuppression()
        s.suppressorChanged(to: .alarm, at: Self.t, Self.settings)
        #expect(s.cause == .alarm && s.reason == "Actions suppressed by Alarm")
        let runs1 = s.compositeChanged(to: .alarm, suppressorState: .alarm, at: Self.t + 60_000, Self.settings)
        #expect(!runs1)
        let late = s.advance(to: Self.t + 3_600_000)
        #expect(s.held && late == .keep)  // no period runs out while the suppressor is in ALARM
        s.suppressorChanged(to: .ok, at: Self.t + 600_000, Self.settings)
        #expect(s.cause == .extensionPeriod && s.until == Self.t + 780_000)
        let outcome2 = s.advance(to: Self.t + 779_999)
        #expect(outcome2 == .keep)
        let outcome3 = s.advance(to: Self.t + 780_000)
        #expect(outcome3 == .release)
        #expect(s == ActionsSuppression())
    }

    @Test("going into ALARM while the suppressor is not, the actions wait for the wait period, then run")
    func waitPeriodRunsOut() {
        var s = ActionsSuppression()
        let runs4 = s.compositeChanged(to: .alarm, suppressorState: .ok, at: Self.t, Self.settings)
        #expect(!runs4)
        #expect(s.cause == .waitPeriod && s.until == Self.t + 120_000 && s.held)
        let outcome5 = s.advance(to: Self.t + 60_000)
        #expect(outcome5 == .keep)
        let outcome6 = s.advance(to: Self.t + 120_000)
        #expect(outcome6 == .release && s.cause == nil && !s.held)
    }

    @Test("a suppressor that goes into ALARM during the wait period suppresses the held actions")
    func suppressorArrivesInWaitPeriod() {
        var s = ActionsSuppression()
        _ = s.compositeChanged(to: .alarm, suppressorState: .ok, at: Self.t, Self.settings)
        s.suppressorChanged(to: .alarm, at: Self.t + 60_000, Self.settings)
        #expect(s.cause == .alarm && s.until == nil && s.held)
        let outcome7 = s.advance(to: Self.t + 120_000)
        #expect(outcome7 == .keep)
    }

    @Test("a newer change inside a period replaces the held one and waits for the same end")
    func newerChangeWaits() {
        var s = ActionsSuppression()
        _ = s.compositeChanged(to: .alarm, suppressorState: .ok, at: Self.t, Self.settings)
        let runs8 = s.compositeChanged(to: .ok, suppressorState: .ok, at: Self.t + 60_000, Self.settings)
        #expect(!runs8)
        #expect(s.cause == .waitPeriod && s.until == Self.t + 120_000 && s.held)
    }

    @Test("with nothing suppressing them, OK changes run at once, and so do ALARM changes when the wait period is 0")
    func runsAtOnce() {
        var s = ActionsSuppression()
        let runs9 = s.compositeChanged(to: .ok, suppressorState: .ok, at: Self.t, Self.settings)
        #expect(runs9)
        #expect(s == ActionsSuppression())
        var noWait = ActionsSuppression()
        let runs = noWait.compositeChanged(
            to: .alarm, suppressorState: .insufficientData, at: Self.t,
            ActionsSuppressor(alarm: "m", waitPeriod: 0, extensionPeriod: 0))
        #expect(runs)
    }

    @Test("an extension period of 0 lets held actions run as soon as the suppressor leaves ALARM")
    func zeroExtension() {
        let settings = ActionsSuppressor(alarm: "m", waitPeriod: 0, extensionPeriod: 0)
        var s = ActionsSuppression()
        _ = s.compositeChanged(to: .alarm, suppressorState: .alarm, at: Self.t, settings)
        s.suppressorChanged(to: .insufficientData, at: Self.t + 60_000, settings)
        let outcome10 = s.advance(to: Self.t + 60_000)
        #expect(outcome10 == .release)
    }

    /// The instant a period ends belongs to after it: a change arriving exactly then is not held (an OK
    /// change runs at once, an ALARM change starts a new wait period), and replaces the change held so
    /// far, whose state is no longer the composite's (docs/alarms.md).
    @Test(
        "a change arriving exactly when the extension period ends is no longer suppressed",
        arguments: [
            (Int64(-1), AlarmState.ok, false, ActionsSuppression.Cause?.some(.extensionPeriod)),
            (0, .ok, true, nil), (1, .ok, true, nil),
            (-1, .alarm, false, .extensionPeriod), (0, .alarm, false, .waitPeriod),
        ])
    func extensionPeriodEnd(_ offset: Int64, _ state: AlarmState, _ runs: Bool, _ cause: ActionsSuppression.Cause?) {
        var s = ActionsSuppression()
        s.suppressorChanged(to: .alarm, at: Self.t, Self.settings)
        _ = s.compositeChanged(to: .alarm, suppressorState: .alarm, at: Self.t + 1_000, Self.settings)
        s.suppressorChanged(to: .ok, at: Self.t + 60_000, Self.settings)
        let end = Self.t + 60_000 + 180_000
        #expect(s.until == end)
        let ran = s.compositeChanged(to: state, suppressorState: .ok, at: end + offset, Self.settings)
        #expect(ran == runs && s.cause == cause && s.held == !runs, "\(offset) \(state)")
        if cause == .waitPeriod { #expect(s.until == end + 120_000) }
    }

    @Test("held actions run at the instant their period ends, not a millisecond before", arguments: [Int64(-1), 0, 1])
    func waitPeriodEnd(_ offset: Int64) {
        var s = ActionsSuppression()
        _ = s.compositeChanged(to: .alarm, suppressorState: .ok, at: Self.t, Self.settings)
        let outcome = s.advance(to: Self.t + 120_000 + offset)
        #expect(outcome == (offset >= 0 ? .release : .keep))
    }
}
