import Synchronization
public import VigilStore

/// The store's housekeeping: deletes events older than their group's retention (the retention sweep)
/// and rolls old metric data up on CloudWatch's schedule. Long-running commands call ``runIfDue()``
/// between polls; `vigil maintain` runs it once (from cron, say).
public final class Maintenance: Sendable {
    let service: LogsService
    /// How often ``runIfDue()`` does the work.
    public let interval: Int64
    let lastRun = Mutex<Int64?>(nil)

    /// What one run did.
    public struct Summary: Sendable, Equatable {
        public var expiredEvents = 0
        public var metrics = MetricRetention.Summary()
    }

    public init(service: LogsService, intervalMilliseconds: Int64 = 10 * 60_000) {
        self.service = service
        self.interval = intervalMilliseconds
    }

    /// Runs now.
    public func run() async throws -> Summary {
        let now = service.now()
        lastRun.withLock { $0 = now }
        var summary = Summary()
        summary.expiredEvents = try await service.store.applyRetention(now: now)
        summary.metrics = try await service.store.rollUp(now: now)
        return summary
    }

    /// Runs when the last run is at least ``interval`` ago (or there was none); nil when not due.
    public func runIfDue() async throws -> Summary? {
        let now = service.now()
        let due = lastRun.withLock { last in last.map { now - $0 >= interval } ?? true }
        return due ? try await run() : nil
    }
}
