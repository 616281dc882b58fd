public import VigilStore

/// Runs the alarm evaluation tick on fixed one-minute slots: the slot, not the moment the tick
/// happens to run, is the evaluation time, so a late tick judges exactly the periods it should.
///
/// Time and sleeping are injected (tests drive a fake clock). A tick that overran skips the slots it
/// missed and evaluates the latest one: an alarm judges its most recent periods anyway.
public struct AlarmScheduler: Sendable {
    public let service: AlarmsService
    public static let slot: Int64 = 60_000
    let now: @Sendable () -> Int64
    let sleep: @Sendable (Int64) async -> Void

    /// `sleep` waits the given milliseconds.
    public init(
        service: AlarmsService, now: @escaping @Sendable () -> Int64, sleep: @escaping @Sendable (Int64) async -> Void
    ) {
        self.service = service
        self.now = now
        self.sleep = sleep
    }

    /// Evaluates at every slot boundary until `shouldStop` returns true (checked before each wait and
    /// each tick); `report` gets each slot and the alarms that changed state in it.
    public func run(shouldStop: @Sendable () -> Bool, report: (Int64, [AlarmRecord]) async -> Void) async throws {
        var last = Int64.min
        while !shouldStop() {
            let t = now()
            let slot = t - ((t % Self.slot) + Self.slot) % Self.slot
            if slot <= last {
                // Wait for the next boundary in steps of at most a second, so a stop request is seen soon.
                await sleep(min(1_000, slot + Self.slot - t))
                continue
            }
            last = slot
            let changed = try await service.evaluate(at: slot)
            await report(slot, try await service.records(changed))
        }
    }
}
