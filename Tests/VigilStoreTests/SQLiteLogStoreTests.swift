import Foundation
import Testing
import VigilMetrics
import VigilStore

/// The SQLite store keeps groups, streams, events and metrics, and refuses what it does not understand.
struct SQLiteLogStoreTests {
    func temporaryPath() -> String {
        NSTemporaryDirectory() + "vigil-store-\(UUID().uuidString).db"
    }

    @Test("a database written by a newer schema is refused with a clear message")
    func newerSchema() async throws {
        let path = temporaryPath()
        _ = try SQLiteLogStore(path: path)
        // Simulate a newer vigil by raising the recorded version.
        let raw = try SQLiteLogStore(path: path)
        try await raw.debugSetUserVersion(99)
        #expect {
            _ = try SQLiteLogStore(path: path)
        } throws: { error in
            "\(error)".contains("schema version 99") && "\(error)".contains("newer vigil")
        }
    }

    @Test("groups page by name with a prefix; deleting a group deletes its streams and events")
    func groups() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        for name in ["b", "a/1", "a/2", "a/3", "a_"] {
            try await store.createLogGroup(name: name, retentionInDays: nil, tags: [:], now: 1)
        }
        #expect(try await store.logGroups(prefix: "a/", afterName: nil, limit: 2).map(\.name) == ["a/1", "a/2"])
        #expect(try await store.logGroups(prefix: "a/", afterName: "a/2", limit: 2).map(\.name) == ["a/3"])
        // '_' is not a wildcard
        #expect(try await store.logGroups(prefix: "a_", afterName: nil, limit: 9).map(\.name) == ["a_"])
        await #expect(throws: StoreError.alreadyExists(.logGroup("b"))) {
            try await store.createLogGroup(name: "b", retentionInDays: nil, tags: [:], now: 1)
        }
        try await store.createLogStream(group: "b", name: "s", now: 1)
        try await store.append(
            group: "b", stream: "s", events: [NewLogEvent(timestamp: 5, message: Array("x".utf8))],
            datapoints: MinuteAggregator(), ingestionTime: 6)
        try await store.deleteLogGroup(name: "b")
        try await store.createLogGroup(name: "b", retentionInDays: nil, tags: [:], now: 2)
        try await store.createLogStream(group: "b", name: "s", now: 2)
        #expect(try await store.events(group: "b", EventQuery()).isEmpty)
        await #expect(throws: StoreError.notFound(.logGroup("nope"))) { try await store.deleteLogGroup(name: "nope") }
    }

    @Test("events come back byte-exact, in time order, paged by cursor in both directions")
    func events() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: [:], now: 0)
        try await store.createLogStream(group: "g", name: "s", now: 0)
        let messages: [[UInt8]] = [
            Array("  padded  ".utf8), Array("tab\there".utf8), Array("ünïcode ✓".utf8), [0x7B, 0x0A, 0x7D],
        ]
        try await store.append(
            group: "g", stream: "s",
            events: messages.enumerated().map { NewLogEvent(timestamp: Int64($0.offset * 10), message: $0.element) },
            datapoints: MinuteAggregator(), ingestionTime: 100)
        let all = try await store.events(group: "g", EventQuery())
        #expect(all.map(\.message) == messages)
        let second = try await store.events(
            group: "g", EventQuery(after: EventCursor(timestamp: all[1].timestamp, id: all[1].id), limit: 1))
        #expect(second.map(\.message) == [messages[2]])
        let backward = try await store.events(group: "g", EventQuery(forward: false, limit: 2))
        #expect(backward.map(\.message) == [messages[3], messages[2]])
        let stream = try await store.logStreams(
            group: "g", prefix: nil, order: .logStreamName, descending: false, offset: 0, limit: 1)[0]
        #expect(
            stream.firstEventTimestamp == 0 && stream.lastEventTimestamp == 30
                && stream.storedBytes == Int64(messages.map(\.count).reduce(0, +)))
    }

    @Test("an append into a missing stream stores neither events nor datapoints")
    func appendIsAtomic() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: [:], now: 0)
        var points = MinuteAggregator()
        let key = MetricKey(namespace: "N", name: "M")
        points.add(MetricDatapoint(key: key, timestamp: 0, value: 1))
        await #expect(throws: StoreError.notFound(.logStream("missing"))) {
            try await store.append(
                group: "g", stream: "missing", events: [NewLogEvent(timestamp: 0, message: [0x61])], datapoints: points,
                ingestionTime: 0)
        }
        #expect(try await store.aggregates(key, start: 0, end: 1_000_000, highResolution: false).isEmpty)
        #expect(try await store.metrics(namespace: nil, name: nil, activeSince: nil).isEmpty)
    }

    @Test("minute aggregates add up across appends")
    func metricsAccumulate() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let key = MetricKey(namespace: "N", name: "M", dimensions: [.init(name: "user", value: "alice")], unit: "Count")
        for v in [2.0, 7.0, 1.0] {
            var points = MinuteAggregator()
            points.add(MetricDatapoint(key: key, timestamp: 61_000, value: v))
            try await store.record(points, now: 0)
        }
        let minutes = try await store.aggregates(key, start: 0, end: 120_000, highResolution: false)
        #expect(minutes.count == 1 && minutes[0].0 == 60_000)
        let set = minutes[0].1
        #expect(set.sampleCount == 3 && set.sum == 10 && set.minimum == 1 && set.maximum == 7)
        #expect(set.percentile(50) == 2 && set.percentile(100) == 7)
        #expect(try await store.metrics(namespace: "N", name: nil, activeSince: nil) == [key])
    }

    @Test("retention deletes only events older than the group's retention")
    func retention() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        try await store.createLogGroup(name: "g", retentionInDays: 1, tags: [:], now: 0)
        try await store.createLogStream(group: "g", name: "s", now: 0)
        let day: Int64 = 86_400_000
        try await store.append(
            group: "g", stream: "s",
            events: [NewLogEvent(timestamp: 0, message: [0x61]), NewLogEvent(timestamp: day + 5, message: [0x62])],
            datapoints: MinuteAggregator(), ingestionTime: 0)
        #expect(try await store.applyRetention(now: 2 * day) == 1)
        #expect(try await store.events(group: "g", EventQuery()).map(\.message) == [[0x62]])
    }
}

/// Reads run on their own connection: they must see every committed write, however the previous read ended.
struct ReadConnectionTests {
    @Test(
        "on a database file, each read sees the writes committed before it, also after reads that stopped at their first row"
    )
    func readsSeeCommittedWrites() async throws {
        let path = NSTemporaryDirectory() + "vigil-reader-\(UUID().uuidString).db"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteLogStore(path: path)
        try await store.createLogGroup(name: "g", retentionInDays: 1, tags: [:], now: 1)
        for days in [3, 5, 7, 14] {
            // retention(group:) reads one row and stops: its statement must not keep an old snapshot.
            #expect(try await store.retention(group: "g") != days)
            try await store.setRetention(group: "g", days: days)
            #expect(try await store.retention(group: "g") == days)
            #expect(try await store.logGroup(name: "g")?.retentionInDays == days)
        }
        // A second store on the same file (another process, as the CLI is) sees them too.
        #expect(try await SQLiteLogStore(path: path).retention(group: "g") == 14)
    }
}

/// DescribeAlarmHistory's order is the items' timestamps, whatever order they were written in.
struct AlarmHistoryOrderTests {
    @Test("history is ordered by timestamp in both directions and pages continue where they stopped")
    func timestampOrder() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        // Written out of timestamp order (a tick stamped with its slot after a later configuration change).
        for (k, t) in [300, 100, 200, 100, 400].enumerated() {
            _ = try await store.putAlarm(
                name: "a", definition: "{}", namespace: "N", metricName: "M", actionsEnabled: true, now: Int64(t),
                history: AlarmHistoryItem(
                    alarmName: "a", timestamp: Int64(t), type: .configurationUpdate, summary: "item \(k)", data: "{}"))
        }
        func all(_ ascending: Bool, pageSize: Int) async throws -> [String] {
            var out: [String] = []
            var after: Int64? = nil
            while true {
                let page = try await store.history(
                    alarmName: nil, type: nil, start: nil, end: nil, ascending: ascending, limit: pageSize,
                    afterID: after)
                out += page.map(\.summary)
                guard page.count == pageSize else { return out }
                after = page.last!.id
            }
        }
        let oldestFirst = ["item 1", "item 3", "item 2", "item 0", "item 4"]
        for size in [1, 2, 10] {
            #expect(try await all(true, pageSize: size) == oldestFirst)
            #expect(try await all(false, pageSize: size) == oldestFirst.reversed())
        }
    }
}
