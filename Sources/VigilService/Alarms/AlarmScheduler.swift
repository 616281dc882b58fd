import Foundation
import VigilMetrics
public import VigilStore

/// Runs the alarm evaluation tick on fixed one-minute slots: the slot, not the moment the tick
/// happens to run, is the evaluation time, so a late tick judges exactly the periods it should.
/// As CloudWatch, high-resolution alarms (periods of 10 and 30 seconds) are also evaluated at every
/// 10-second boundary in between (``highResolutionSlot``), while there are any.
///
/// Time and sleeping are injected (tests drive a fake clock). A tick that overran skips the slots it
/// missed and evaluates the latest one: an alarm judges its most recent periods anyway.
///
/// One scheduler runs per data directory: it evaluates only while it holds the store's
/// ``leaseName`` lease, renewed every quarter of ``leaseDuration``. A second scheduler waits, saying
/// who holds the lease, and takes over within ``leaseDuration`` of the holder stopping or crashing
/// (a stopped scheduler gives the lease up at once). Two evaluations of one tick could not double
/// anything anyway (transitions are compare-and-set); the lease keeps the work from being done twice.
public struct AlarmScheduler: Sendable {
    public let service: AlarmsService
    public static let slot: Int64 = 60_000
    /// The slot of high-resolution alarms' evaluation.
    public static let highResolutionSlot: Int64 = 10_000
    public static let leaseName = "alarm-scheduler"
    public static let leaseDuration: Int64 = 60_000
    /// This scheduler, as the lease names its holder.
    public let holder: String
    let now: @Sendable () -> Int64
    let sleep: @Sendable (Int64) async -> Void

    /// `sleep` waits the given milliseconds; `holder` names this scheduler in the lease (unique per
    /// process: the default says which process, on which host, since when).
    public init(
        service: AlarmsService, holder: String = LeaseHolder.current(),
        now: @escaping @Sendable () -> Int64, sleep: @escaping @Sendable (Int64) async -> Void
    ) {
        self.service = service
        self.holder = holder
        self.now = now
        self.sleep = sleep
    }

    /// Evaluates at every slot boundary until `shouldStop` returns true (checked before each wait and
    /// each tick); `report` gets each slot and the alarms that changed state in it. While another
    /// scheduler holds the lease, `waiting` hears of it once per holder and nothing is evaluated;
    /// `holding` hears when this scheduler takes the lease (at first, and after each wait).
    public func run(
        shouldStop: @Sendable () -> Bool, waiting: (Lease) async -> Void = { _ in },
        holding: () async -> Void = {}, report: (Int64, [AlarmRecord]) async -> Void
    ) async throws {
        let store = service.store
        do {
            try await evaluate(until: shouldStop, waiting: waiting, holding: holding, report: report)
        } catch {
            try? await store.releaseLease(Self.leaseName, holder: holder)
            throw error
        }
        // Given up at once on a stop, so a successor need not wait for it to lapse.
        try await store.releaseLease(Self.leaseName, holder: holder)
    }

    func evaluate(
        until shouldStop: @Sendable () -> Bool, waiting: (Lease) async -> Void, holding: () async -> Void,
        report: (Int64, [AlarmRecord]) async -> Void
    ) async throws {
        let store = service.store
        var last = Int64.min
        var lastSubSlot = Int64.min
        var renewed = Int64.min
        var waitingFor: String? = nil
        while !shouldStop() {
            let t = now()
            if renewed == Int64.min || t - renewed >= Self.leaseDuration / 4 {
                let lease = try await LeaseHolder.acquire(
                    Self.leaseName, holder: holder, now: t, until: t + Self.leaseDuration, in: store)
                guard lease.holder == holder else {
                    if waitingFor != lease.holder {
                        waitingFor = lease.holder
                        await waiting(lease)
                    }
                    renewed = Int64.min
                    await sleep(1_000)
                    continue
                }
                if renewed == Int64.min { await holding() }
                waitingFor = nil
                renewed = t
            }
            let slot = Self.floor(t, Self.slot)
            let subSlot = Self.floor(t, Self.highResolutionSlot)
            let evaluation: (slot: Int64, highResolutionOnly: Bool)
            if slot > last {
                // A minute boundary (or the latest one, after an overrun): every alarm.
                evaluation = (slot, false)
                last = slot
                lastSubSlot = slot
            } else if subSlot > lastSubSlot, try await service.hasHighResolutionAlarms() {
                evaluation = (subSlot, true)
                lastSubSlot = subSlot
            } else {
                // Wait for the next boundary in steps of at most a second, so a stop request is seen soon.
                await sleep(min(1_000, subSlot + Self.highResolutionSlot - t))
                continue
            }
            let started = ContinuousClock.now
            let changed = try await service.evaluate(
                at: evaluation.slot, highResolutionOnly: evaluation.highResolutionOnly)
            let took = ContinuousClock.now - started
            ServiceMetrics.tick(
                nanoseconds: took.components.seconds * 1_000_000_000 + took.components.attoseconds / 1_000_000_000)
            await report(evaluation.slot, try await service.records(changed))
        }
    }

    static func floor(_ t: Int64, _ slot: Int64) -> Int64 { t - ((t % slot) + slot) % slot }
}
