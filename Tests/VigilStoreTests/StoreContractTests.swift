import Foundation
import Synchronization
import Testing
import VigilAlarms
import VigilMetrics
import VigilStore

/// A storage backend the contract runs against: how to open a fresh one, and how to open the same
/// data again (nil for a backend whose data lives only as long as the instance).
struct Backend: CustomStringConvertible, Sendable {
    let description: String
    let make: @Sendable () throws -> (store: any StoreBackend, reopen: (@Sendable () throws -> any StoreBackend)?)

    func open() throws -> any StoreBackend { try make().store }

    /// Every backend Vigil has; a new one (PostgreSQL) is added here and must pass the same suite.
    static let all: [Backend] = [
        Backend(description: "SQLite file") {
            let path = NSTemporaryDirectory() + "vigil-contract-\(UUID().uuidString).db"
            return (try SQLiteLogStore(path: path), { try SQLiteLogStore(path: path) })
        },
        Backend(description: "SQLite in memory") { (try SQLiteLogStore(path: ":memory:"), nil) },
    ]
}

/// The store contract: what every backend guarantees the services (LogStore, MetricStore, AlarmStore,
/// IngestOffsetStore), written against the protocols only. SQLite-specific behaviour (block encoding,
/// migrations) is tested beside its implementation.
struct StoreContractTests {
    @Test("groups page by name with a prefix; deleting a group deletes its streams and events", arguments: Backend.all)
    func groups(_ backend: Backend) async throws {
        let store = try backend.open()
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

    @Test("events come back byte-exact, in time order, paged by cursor in both directions", arguments: Backend.all)
    func events(_ backend: Backend) async throws {
        let store = try backend.open()
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

    @Test("an append into a missing stream stores neither events nor datapoints", arguments: Backend.all)
    func appendIsAtomic(_ backend: Backend) async throws {
        let store = try backend.open()
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

    @Test("minute aggregates add up across appends", arguments: Backend.all)
    func metricsAccumulate(_ backend: Backend) async throws {
        let store = try backend.open()
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

    @Test("retention deletes only events older than the group's retention", arguments: Backend.all)
    func retention(_ backend: Backend) async throws {
        let store = try backend.open()
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

    @Test(
        "history is ordered by timestamp in both directions and pages continue where they stopped",
        arguments: Backend.all)
    func timestampOrder(_ backend: Backend) async throws {
        let store = try backend.open()
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

    @Test("streams order by name either way or by last event time, and page by offset", arguments: Backend.all)
    func streams(_ backend: Backend) async throws {
        let store = try backend.open()
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: [:], now: 0)
        for (name, t) in [("b", 30), ("a", 10), ("c", 20)] as [(String, Int64)] {
            try await store.createLogStream(group: "g", name: name, now: 0)
            try await store.append(
                group: "g", stream: name, events: [NewLogEvent(timestamp: t, message: [0x61])],
                datapoints: MinuteAggregator(), ingestionTime: t)
        }
        try await store.createLogStream(group: "g", name: "d", now: 0)  // no events yet
        func names(_ order: StreamOrder, _ descending: Bool, offset: Int = 0, limit: Int = 10) async throws -> [String]
        {
            try await store.logStreams(
                group: "g", prefix: nil, order: order, descending: descending, offset: offset, limit: limit
            ).map(\.name)
        }
        #expect(try await names(.logStreamName, false) == ["a", "b", "c", "d"])
        #expect(try await names(.logStreamName, true) == ["d", "c", "b", "a"])
        #expect(try await names(.lastEventTime, false) == ["d", "a", "c", "b"])
        #expect(try await names(.lastEventTime, true) == ["b", "c", "a", "d"])
        #expect(try await names(.logStreamName, false, offset: 1, limit: 2) == ["b", "c"])
        #expect(
            try await store.logStreams(
                group: "g", prefix: "c", order: .logStreamName, descending: false, offset: 0, limit: 9
            )
            .map(\.name) == ["c"])
        await #expect(throws: StoreError.alreadyExists(.logStream("a"))) {
            try await store.createLogStream(group: "g", name: "a", now: 0)
        }
        #expect(try await store.hasLogStream(group: "g", name: "d"))
        try await store.deleteLogStream(group: "g", name: "d")
        #expect(try await store.hasLogStream(group: "g", name: "d") == false)
        await #expect(throws: StoreError.notFound(.logGroup("nope"))) {
            _ = try await store.hasLogStream(group: "nope", name: "a")
        }
    }

    @Test("event ids grow across appends; a time range is [start, end); stream filters select", arguments: Backend.all)
    func eventQueries(_ backend: Backend) async throws {
        let store = try backend.open()
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: [:], now: 0)
        for name in ["web-1", "web-2", "db"] { try await store.createLogStream(group: "g", name: name, now: 0) }
        // Interleaved streams and equal timestamps: order is (timestamp, id).
        for (stream, t) in [("web-1", 10), ("db", 10), ("web-2", 5), ("web-1", 20), ("db", 20)] as [(String, Int64)] {
            try await store.append(
                group: "g", stream: stream, events: [NewLogEvent(timestamp: t, message: Array("\(stream)@\(t)".utf8))],
                datapoints: MinuteAggregator(), ingestionTime: 100)
        }
        let all = try await store.events(group: "g", EventQuery())
        #expect(
            all.map { String(decoding: $0.message, as: UTF8.self) } == [
                "web-2@5", "web-1@10", "db@10", "web-1@20", "db@20",
            ])
        #expect(all.filter { $0.timestamp == 10 }.map(\.id) == all.filter { $0.timestamp == 10 }.map(\.id).sorted())
        #expect(Set(all.map(\.id)).count == all.count)
        #expect(
            try await store.events(group: "g", EventQuery(startTime: 10, endTime: 20)).map(\.timestamp) == [10, 10])
        #expect(try await store.events(group: "g", EventQuery(streamNames: ["db"])).map(\.streamName) == ["db", "db"])
        #expect(
            try await store.events(group: "g", EventQuery(streamNamePrefix: "web-")).map(\.streamName) == [
                "web-2", "web-1", "web-1",
            ])
        // A cursor continues after an event of equal timestamp without repeating it, both ways.
        let afterFirst10 = try await store.events(
            group: "g", EventQuery(after: EventCursor(timestamp: all[1].timestamp, id: all[1].id)))
        #expect(afterFirst10.map(\.id) == Array(all.dropFirst(2).map(\.id)))
        let beforeLast = try await store.events(
            group: "g", EventQuery(after: EventCursor(timestamp: all[4].timestamp, id: all[4].id), forward: false))
        #expect(beforeLast.map(\.id) == Array(all.prefix(4).reversed().map(\.id)))
    }

    @Test("an offset commits with its events, or not at all", arguments: Backend.all)
    func offsetsCommitWithEvents(_ backend: Backend) async throws {
        let store = try backend.open()
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: [:], now: 0)
        try await store.createLogStream(group: "g", name: "s", now: 0)
        let offset = IngestOffset(source: "file:/var/log/app.log", identity: "8:1234", offset: 4096)
        await #expect(throws: StoreError.notFound(.logStream("missing"))) {
            try await store.append(
                group: "g", stream: "missing", events: [NewLogEvent(timestamp: 1, message: [0x61])],
                datapoints: MinuteAggregator(), ingestionTime: 1, offset: offset)
        }
        #expect(try await store.offset(source: offset.source) == nil)
        try await store.append(
            group: "g", stream: "s", events: [NewLogEvent(timestamp: 1, message: [0x61])],
            datapoints: MinuteAggregator(), ingestionTime: 1, offset: offset)
        #expect(try await store.offset(source: offset.source) == offset)
        let moved = IngestOffset(source: offset.source, identity: "8:9999", offset: 0)
        try await store.record(moved)
        #expect(try await store.offset(source: offset.source) == moved)
    }

    @Test("tags are added, replaced and removed; one past the limit changes none of them", arguments: Backend.all)
    func tags(_ backend: Backend) async throws {
        let store = try backend.open()
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: ["team": "sec"], now: 0)
        try await store.tag(group: "g", ["env": "prod", "team": "secops"], maximum: 3)
        #expect(try await store.tags(group: "g") == ["env": "prod", "team": "secops"])
        await #expect(throws: StoreError.limitExceeded(.tagsPerResource, maximum: 3, count: 4)) {
            try await store.tag(group: "g", ["a": "1", "b": "2"], maximum: 3)
        }
        #expect(try await store.tags(group: "g") == ["env": "prod", "team": "secops"])
        try await store.untag(group: "g", keys: ["env", "missing"])
        #expect(try await store.tags(group: "g") == ["team": "secops"])
    }

    @Test("metric filters: an update keeps its creation time; one past the limit is refused", arguments: Backend.all)
    func metricFilters(_ backend: Backend) async throws {
        let store = try backend.open()
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: [:], now: 0)
        try await store.createLogGroup(name: "f", retentionInDays: nil, tags: [:], now: 0)
        func filter(_ group: String, _ name: String, _ pattern: String, at t: Int64) -> MetricFilterRecord {
            MetricFilterRecord(
                logGroupName: group, name: name, pattern: pattern, transformations: "[]", creationTime: t)
        }
        var versions = [try await store.metricFiltersVersion()]
        func changed() async throws -> Bool {
            versions.append(try await store.metricFiltersVersion())
            return versions[versions.count - 1] > versions[versions.count - 2]
        }
        try await store.putMetricFilter(filter("g", "b", "ERROR", at: 1), maximumPerGroup: 2)
        #expect(try await changed())
        try await store.putMetricFilter(filter("g", "a", "WARN", at: 2), maximumPerGroup: 2)
        try await store.putMetricFilter(filter("f", "z", "x", at: 3), maximumPerGroup: 2)
        #expect(try await changed())
        try await store.putMetricFilter(filter("g", "b", "FATAL", at: 9), maximumPerGroup: 2)
        #expect(try await changed(), "an update is a change")
        await #expect(throws: StoreError.limitExceeded(.metricFiltersPerGroup, maximum: 2, count: 3)) {
            try await store.putMetricFilter(filter("g", "c", "x", at: 4), maximumPerGroup: 2)
        }
        #expect(try await !changed(), "a refused filter changes nothing")
        let all = try await store.metricFilters(group: nil)
        #expect(all.map { "\($0.logGroupName)/\($0.name)" } == ["f/z", "g/a", "g/b"])
        #expect(all.last?.pattern == "FATAL" && all.last?.creationTime == 1)
        #expect(try await store.logGroup(name: "g")?.metricFilterCount == 2)
        try await store.deleteMetricFilter(group: "g", name: "a")
        #expect(try await changed())
        await #expect(throws: StoreError.notFound(.metricFilter("a"))) {
            try await store.deleteMetricFilter(group: "g", name: "a")
        }
        try await store.deleteLogGroup(name: "g")
        #expect(try await changed(), "deleting a group deletes its filters")
        #expect(try await store.metricFilters(group: nil).map(\.name) == ["z"])
    }

    @Test(
        "periods merge in the store; every metric's aggregates come in one call; listing is ordered",
        arguments: Backend.all)
    func metricQueries(_ backend: Backend) async throws {
        let store = try backend.open()
        let a = MetricKey(
            namespace: "App", name: "Latency", dimensions: [.init(name: "host", value: "a")], unit: "Milliseconds")
        let b = MetricKey(
            namespace: "App", name: "Latency", dimensions: [.init(name: "host", value: "b")], unit: "Milliseconds")
        var points = MinuteAggregator()
        for (key, t, v) in [(a, 0, 1.0), (a, 60_000, 3), (a, 3_600_000, 5), (b, 60_000, 7)]
            as [(MetricKey, Int64, Double)]
        {
            points.add(MetricDatapoint(key: key, timestamp: t, value: v))
        }
        try await store.record(points, now: 1_000)
        let hourly = try await store.periodTotals(
            a, start: 0, end: 7_200_000, highResolution: false, periodMilliseconds: 3_600_000)
        #expect(
            hourly.map(\.0) == [0, 3_600_000] && hourly.map(\.1.sum) == [4, 5] && hourly.map(\.1.sampleCount) == [2, 1])
        let every = try await store.allAggregates(start: 0, end: 120_000, highResolution: false, distributions: false)
        #expect(every.map(\.key).sorted() == [a, b].sorted() && every.map { $0.periods.count }.reduce(0, +) == 3)
        #expect(
            try await store.dimensionCombinations(
                namespace: "App", name: "Latency", unit: "Milliseconds", start: 3_600_000, end: 7_200_000)
                == [a.canonicalDimensions])
        #expect(try await store.metrics(namespace: "App", name: nil, activeSince: nil) == [a, b])
        #expect(try await store.metrics(namespace: nil, name: nil, activeSince: 1_001).isEmpty)
    }

    @Test(
        "alarms: created in INSUFFICIENT_DATA, updated keeping their state, deleted all or none", arguments: Backend.all
    )
    func alarms(_ backend: Backend) async throws {
        let store = try backend.open()
        func history(_ name: String) -> AlarmHistoryItem {
            AlarmHistoryItem(alarmName: name, timestamp: 1, type: .configurationUpdate, summary: "put", data: "{}")
        }
        for name in ["b", "a", "c"] {
            #expect(
                try await store.putAlarm(
                    name: name, definition: "{\"v\":1}", namespace: "N", metricName: "M", actionsEnabled: true, now: 1,
                    history: history(name)))
        }
        #expect(try await store.alarms(names: nil, prefix: nil, state: nil).map(\.name) == ["a", "b", "c"])
        #expect(try await store.alarms(names: nil, prefix: nil, state: .insufficientData).count == 3)
        try await store.commit(
            [Self.transition("a", from: .insufficientData, to: .alarm, at: 2)], suppression: [],
            actionHistory: Self.action)
        #expect(
            try await store.putAlarm(
                name: "a", definition: "{\"v\":2}", namespace: "N", metricName: "M", actionsEnabled: false, now: 3,
                history: history("a")) == false)
        let a = try #require(try await store.alarms(names: ["a"], prefix: nil, state: nil).first)
        #expect(a.state == .alarm && a.definition == "{\"v\":2}" && !a.actionsEnabled && a.configurationUpdated == 3)
        #expect(try await store.alarms(names: nil, prefix: nil, state: .alarm).map(\.name) == ["a"])
        await #expect(throws: StoreError.notFound(.alarm("zz"))) { try await store.deleteAlarms(names: ["b", "zz"]) }
        #expect(try await store.alarms(names: nil, prefix: nil, state: nil).count == 3)
        try await store.deleteAlarms(names: ["b", "c"])
        #expect(try await store.alarms(names: nil, prefix: nil, state: nil).map(\.name) == ["a"])
    }

    static func transition(_ name: String, from: AlarmState, to: AlarmState, at t: Int64) -> AlarmTransition {
        AlarmTransition(
            alarmName: name, from: from, state: to, reason: "r", reasonData: nil, at: t,
            history: AlarmHistoryItem(
                alarmName: name, timestamp: t, type: .stateUpdate, summary: "\(from.rawValue) to \(to.rawValue)",
                data: "{}"),
            notifications: [("arn:aws:sns:us-east-1:000000000000:\(name)", "{}")])
    }

    static let action: @Sendable (String, String, String, Int64, String?) -> AlarmHistoryItem = {
        name, action, _, at, _ in
        AlarmHistoryItem(alarmName: name, timestamp: at, type: .action, summary: action, data: "{}")
    }

    @Test(
        "a transition is a compare-and-set: two evaluators committing the same change record and send it once",
        arguments: Backend.all)
    func transitionsCompareAndSet(_ backend: Backend) async throws {
        let store = try backend.open()
        _ = try await store.putAlarm(
            name: "a", definition: "{}", namespace: "N", metricName: "M", actionsEnabled: true, now: 1,
            history: AlarmHistoryItem(alarmName: "a", timestamp: 1, type: .configurationUpdate, summary: "", data: "{}")
        )
        let change = Self.transition("a", from: .insufficientData, to: .alarm, at: 60_000)
        // Two evaluators read INSUFFICIENT_DATA and commit, concurrently: exactly one applies.
        async let first = store.commit([change], suppression: [], actionHistory: Self.action)
        async let second = store.commit([change], suppression: [], actionHistory: Self.action)
        let applied = try await first + second
        #expect(applied == ["a"])
        #expect(try await store.outbox(status: nil).count == 1)
        #expect(
            try await store.history(
                alarmName: "a", type: .stateUpdate, start: nil, end: nil, ascending: true, limit: 10, afterID: nil
            )
            .count == 1)
        // A change computed from a state the alarm has left is stale, even if it comes later.
        let stale = Self.transition("a", from: .ok, to: .insufficientData, at: 120_000)
        #expect(try await store.commit([stale], suppression: [], actionHistory: Self.action).isEmpty)
        #expect(try await store.alarms(names: ["a"], prefix: nil, state: nil).first?.state == .alarm)
    }

    @Test("a commit with a transition of a missing alarm applies none of its transitions", arguments: Backend.all)
    func commitIsAtomic(_ backend: Backend) async throws {
        let store = try backend.open()
        _ = try await store.putAlarm(
            name: "a", definition: "{}", namespace: "N", metricName: "M", actionsEnabled: true, now: 1,
            history: AlarmHistoryItem(alarmName: "a", timestamp: 1, type: .configurationUpdate, summary: "", data: "{}")
        )
        await #expect(throws: StoreError.notFound(.alarm("missing"))) {
            try await store.commit(
                [
                    Self.transition("a", from: .insufficientData, to: .alarm, at: 2),
                    Self.transition("missing", from: .insufficientData, to: .alarm, at: 2),
                ], suppression: [], actionHistory: Self.action)
        }
        #expect(try await store.alarms(names: ["a"], prefix: nil, state: nil).first?.state == .insufficientData)
        #expect(try await store.outbox(status: nil).isEmpty)
    }

    @Test("a read never sees half a commit, while a writer keeps committing", arguments: Backend.all)
    func readsSeeWholeCommits(_ backend: Backend) async throws {
        let store = try backend.open()
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: [:], now: 0)
        try await store.createLogStream(group: "g", name: "s", now: 0)
        let key = MetricKey(namespace: "N", name: "Events")
        let batch = 250
        let writer = Task {
            for k in 0..<40 {
                var points = MinuteAggregator()
                let events = (0..<batch).map { i in
                    NewLogEvent(timestamp: Int64(k * batch + i), message: Array("event \(k)-\(i)".utf8))
                }
                for e in events { points.add(MetricDatapoint(key: key, timestamp: e.timestamp, value: 1)) }
                try await store.append(group: "g", stream: "s", events: events, datapoints: points, ingestionTime: 1)
            }
        }
        var looks = 0
        var seen = 0
        repeat {
            // Each call is one snapshot: events and the metric move a whole batch at a time.
            seen = try await store.events(group: "g", EventQuery(limit: 100_000)).count
            #expect(seen % batch == 0, "a read saw \(seen) events: part of a batch")
            let counted = try await store.periodTotals(
                key, start: 0, end: .max / 2, highResolution: false, periodMilliseconds: 3_600_000
            ).map(\.1.sampleCount).reduce(0, +)
            #expect(Int(counted) % batch == 0, "a read saw \(counted) datapoints: part of a batch")
            looks += 1
        } while looks < 400 && seen < 40 * batch
        try await writer.value
        #expect(try await store.events(group: "g", EventQuery(limit: 100_000)).count == 40 * batch)
    }

    @Test("a lease is held by one holder until it expires or is released; renewing extends it", arguments: Backend.all)
    func leases(_ backend: Backend) async throws {
        let store = try backend.open()
        #expect(
            try await store.acquireLease("s", holder: "A", now: 0, until: 60)
                == Lease(name: "s", holder: "A", expires: 60))
        #expect(
            try await store.acquireLease("s", holder: "B", now: 10, until: 70).holder == "A",
            "A's lease has not expired")
        #expect(try await store.acquireLease("s", holder: "A", now: 50, until: 110).expires == 110, "renewed")
        #expect(try await store.acquireLease("s", holder: "B", now: 109, until: 169).holder == "A")
        #expect(
            try await store.acquireLease("other", holder: "B", now: 109, until: 169).holder == "B",
            "leases are per name")
        #expect(try await store.acquireLease("s", holder: "B", now: 110, until: 170).holder == "B", "A's lapsed at 110")
        #expect(try await store.acquireLease("s", holder: "A", now: 111, until: 171).holder == "B")
        try await store.releaseLease("s", holder: "A")  // not A's: nothing happens
        #expect(try await store.acquireLease("s", holder: "A", now: 112, until: 172).holder == "B")
        try await store.releaseLease("s", holder: "B")
        #expect(try await store.acquireLease("s", holder: "A", now: 113, until: 173).holder == "A", "released at once")
    }

    @Test("what one instance committed, another instance on the same data reads", arguments: Backend.all)
    func durableAcrossInstances(_ backend: Backend) async throws {
        let (store, reopen) = try backend.make()
        guard let reopen else { return }  // an in-memory backend has no second instance
        try await store.createLogGroup(name: "g", retentionInDays: 7, tags: ["k": "v"], now: 5)
        try await store.createLogStream(group: "g", name: "s", now: 5)
        try await store.append(
            group: "g", stream: "s", events: [NewLogEvent(timestamp: 9, message: Array("kept".utf8))],
            datapoints: MinuteAggregator(), ingestionTime: 10,
            offset: IngestOffset(source: "src", identity: "id", offset: 5))
        let other = try reopen()
        #expect(try await other.logGroup(name: "g")?.retentionInDays == 7)
        #expect(try await other.tags(group: "g") == ["k": "v"])
        #expect(try await other.events(group: "g", EventQuery()).map(\.message) == [Array("kept".utf8)])
        #expect(try await other.offset(source: "src")?.offset == 5)
        let before = try await other.metricFiltersVersion()
        try await store.putMetricFilter(
            MetricFilterRecord(logGroupName: "g", name: "f", pattern: "x", transformations: "[]", creationTime: 11),
            maximumPerGroup: 100)
        #expect(try await other.metricFiltersVersion() > before, "a filter changed by another instance shows")
    }
}
