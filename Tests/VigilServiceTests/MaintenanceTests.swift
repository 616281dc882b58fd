import Foundation
import Synchronization
import Testing
import VigilAPI
import VigilMetrics
import VigilService
import VigilStore

/// The retention sweep and the metric roll-up, run when due.
struct MaintenanceTests {
    @Test("deletes events past their group's retention, rolls old minutes up, and runs again only after its interval")
    func sweeps() async throws {
        let day: Int64 = 86_400_000
        let clock = Mutex<Int64>(100 * day)
        let store = try SQLiteLogStore(path: ":memory:")
        let service = LogsService(store: store, now: { clock.withLock { $0 } })
        try await service.createLogGroup("short")
        try await service.putRetentionPolicy("short", days: 1)
        try await service.createLogStream(group: "short", name: "s")
        try await service.putLogEvents(
            group: "short", stream: "s",
            events: [NewLogEvent(timestamp: 100 * day - 2 * 3_600_000, message: Array("old".utf8))])
        var old = MinuteAggregator()
        old.add(MetricDatapoint(key: MetricKey(namespace: "App", name: "m"), timestamp: 80 * day, value: 1))
        try await store.record(old, now: 80 * day)
        let maintenance = Maintenance(service: service, intervalMilliseconds: 600_000)
        let first = try #require(try await maintenance.runIfDue())
        // the event is two hours old: kept; the 20-day-old minute rolls up
        #expect(first.expiredEvents == 0 && first.metrics.rolledUp == 1)
        clock.withLock { $0 += day }
        let summary = try await maintenance.run()
        #expect(summary.expiredEvents == 1 && summary.metrics.rolledUp == 0)
        #expect(try await service.filterLogEvents(group: "short").events.isEmpty)
        clock.withLock { $0 += 60_000 }
        #expect(try await maintenance.runIfDue() == nil)  // ran a minute ago
        clock.withLock { $0 += 600_000 }
        #expect(try await maintenance.runIfDue() != nil)
    }
}
