import Foundation
import Testing
import VigilMetrics

@testable import VigilStore

/// Metric aggregates: high resolution, roll-up on CloudWatch's schedule, RecentlyActive, migration.
struct MetricStoreTests {
    static let day: Int64 = 86_400_000
    let key = MetricKey(namespace: "App", name: "Latency", unit: "Milliseconds")

    func record(_ store: SQLiteLogStore, _ points: [(Int64, Double)], highResolution: Bool = false, now: Int64 = 0)
        async throws
    {
        var a = MinuteAggregator()
        for (t, v) in points {
            a.add(MetricDatapoint(key: key, timestamp: t, value: v), highResolution: highResolution)
        }
        try await store.record(a, now: now)
    }

    @Test("old minutes roll up into 5-minute and 1-hour aggregates with the same totals; data past 455 days is deleted")
    func rollsUp() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let now = 600 * Self.day
        // One datapoint per minute over two hours, at four ages.
        for age in [1, 20, 100, 500] as [Int64] {
            let start = Period.floor(now - age * Self.day, to: 3_600_000)
            try await record(store, (0..<120).map { (start + Int64($0) * 60_000 + 5_000, Double($0 % 7)) })
        }
        func totals(_ age: Int64) async throws -> (Double, Double, Double, Double?, Int) {
            let start = Period.floor(now - age * Self.day, to: 3_600_000)
            let rows = try await store.aggregates(key, start: start, end: start + 7_200_000, highResolution: false)
            var set = StatisticSet.empty
            for (_, s) in rows { set.merge(s) }
            return (set.sampleCount, set.sum, set.maximum, set.percentile(90), rows.count)
        }
        var before: [(Double, Double, Double, Double?, Int)] = []
        for age in [1, 20, 100, 500] as [Int64] { before.append(try await totals(age)) }
        #expect(before.map(\.4) == [120, 120, 120, 120])
        let summary = try await store.rollUp(now: now)
        var after: [(Double, Double, Double, Double?, Int)] = []
        for age in [1, 20, 100, 500] as [Int64] { after.append(try await totals(age)) }
        #expect(after.map(\.4) == [120, 24, 2, 0])  // minutes, 5-minute rows, hour rows, gone
        for k in 0..<3 {
            #expect(
                after[k].0 == before[k].0 && after[k].1 == before[k].1 && after[k].2 == before[k].2
                    && after[k].3 == before[k].3)
        }
        #expect(summary.rolledUp == 120 + 120 + 24 + 120 + 24)  // each stage reads what the previous wrote
        #expect(try await store.rollUp(now: now) == MetricRetention.Summary())  // nothing left to do
    }

    /// CloudWatch keeps 1-hour data for 455 days: a datapoint exactly 455 days old is kept (in its hour),
    /// one a millisecond older falls into the hour before and is deleted.
    @Test(
        "data exactly 455 days old is kept, a millisecond older is deleted",
        arguments: [
            (455 * Self.day - 1, true), (455 * Self.day, true), (455 * Self.day + 1, false), (456 * Self.day, false),
        ])
    func retentionBoundary(_ age: Int64, _ kept: Bool) async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let now = 600 * Self.day
        try await record(store, [(now - age, 3)])
        _ = try await store.rollUp(now: now)
        let rows = try await store.aggregates(key, start: 0, end: now, highResolution: false)
        #expect(rows.map(\.1.sum) == (kept ? [3] : []), "age \(age) ms")
    }

    /// Each stage of the schedule at its own boundary: a minute row exactly 15 days old stays a minute
    /// row; the minute before it is rolled into its 5-minute row.
    @Test("a minute exactly 15 days old stays a minute; the one before is rolled up")
    func minuteBoundary() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let now = 600 * Self.day
        let cutoff = now - 15 * Self.day
        try await record(store, [(cutoff, 1), (cutoff - 60_000, 2)])
        _ = try await store.rollUp(now: now)
        let rows = try await store.aggregates(key, start: cutoff - 300_000, end: cutoff + 60_000, highResolution: false)
        #expect(rows.map(\.0) == [cutoff - 300_000, cutoff] && rows.map(\.1.sum) == [2, 1])
    }

    @Test("high-resolution seconds are kept for 3 hours; their minutes stay")
    func highResolution() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        try await record(store, [(1_000, 1), (1_500, 2), (2_000, 4)], highResolution: true)
        #expect(try await store.aggregates(key, start: 0, end: 60_000, highResolution: true).map(\.1.sum) == [3, 4])
        #expect(try await store.aggregates(key, start: 0, end: 60_000, highResolution: false).map(\.1.sum) == [7])
        _ = try await store.rollUp(now: 3 * 3_600_000 + 60_000)
        #expect(try await store.aggregates(key, start: 0, end: 60_000, highResolution: true).isEmpty)
        #expect(try await store.aggregates(key, start: 0, end: 60_000, highResolution: false).map(\.1.sum) == [7])
    }

    @Test("RecentlyActive lists metrics published to since the given time")
    func recentlyActive() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        try await record(store, [(0, 1)], now: 1_000)
        var other = MinuteAggregator()
        other.add(MetricDatapoint(key: MetricKey(namespace: "App", name: "Errors"), timestamp: 0, value: 1))
        try await store.record(other, now: 9_000)
        #expect(try await store.metrics(namespace: "App", name: nil, activeSince: 5_000).map(\.name) == ["Errors"])
        #expect(
            try await store.metrics(namespace: "App", name: nil, activeSince: nil).map(\.name) == ["Errors", "Latency"])
    }

    @Test("a version-1 database keeps its minute aggregates when migrated")
    func migratesVersionOne() async throws {
        let path = NSTemporaryDirectory() + "vigil-v1-\(UUID().uuidString).db"
        do {
            let database = try SQLiteDatabase(path: path)
            try SchemaMigrator(migrations: Array(VigilSchema.migrator.migrations.prefix(1))).migrate(database)
            try await database.write { db in
                try db.execute(
                    "INSERT INTO metrics (namespace, name, dimensions, unit) VALUES ('App', 'Latency', '', 'Milliseconds')"
                )
                try db.execute("INSERT INTO metric_minutes VALUES (1, 60000, 2, 10, 3, 7)")
            }
        }
        let store = try SQLiteLogStore(path: path)
        let rows = try await store.aggregates(key, start: 0, end: 120_000, highResolution: false)
        #expect(rows.count == 1 && rows[0].0 == 60_000 && rows[0].1.sum == 10 && rows[0].1.maximum == 7)
        #expect(rows[0].1.percentile(50) == nil)  // a set with different minimum and maximum has no percentiles
    }
}

/// Stored dimension keys written before the escapes existed read as they were meant.
struct DimensionKeyMigrationTests {
    @Test("a key with a backslash, stored by the old encoding, is re-encoded when the store opens")
    func reencodes() async throws {
        let path = NSTemporaryDirectory() + "vigil-dimensions-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let key = MetricKey(namespace: "App", name: "m", dimensions: [.init(name: "Path", value: #"C:\temp"#)])
        do {
            let store = try SQLiteLogStore(path: path)
            var a = MinuteAggregator()
            a.add(MetricDatapoint(key: key, timestamp: 60_000, value: 1))
            try await store.record(a, now: 0)
            // As the version before the escapes wrote it: no escapes, and the schema of that version.
            let previous = try #require(
                VigilSchema.migrator.migrations.firstIndex { $0.name.hasPrefix("dimension keys with escapes") })
            try store.database.writeNow { db in
                try db.execute(#"UPDATE metrics SET dimensions = 'Path=C:\temp'; PRAGMA user_version = \#(previous)"#)
            }
        }
        let reopened = try SQLiteLogStore(path: path)
        let keys = try await reopened.metrics(namespace: "App", name: "m", activeSince: nil)
        #expect(keys.map(\.dimensions) == [key.dimensions])
        #expect(try await reopened.aggregates(key, start: 0, end: .max, highResolution: false).count == 1)
    }
}
