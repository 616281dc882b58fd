import Foundation
import Testing
import VigilMetrics

@testable import VigilStore

/// Events stored one block per batch read back exactly as one row per event would.
struct LogBlockTests {
    /// Random overlapping batches in three streams; returns the store and every event with its id, in (timestamp, id) order.
    static func populate(seed: UInt64) async throws -> (SQLiteLogStore, [StoredLogEvent]) {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let store = try SQLiteLogStore(path: ":memory:")
        try await store.createLogGroup(name: "g", retentionInDays: nil, tags: [:], now: 0)
        for s in ["a", "b", "c"] { try await store.createLogStream(group: "g", name: s, now: 0) }
        var all: [StoredLogEvent] = []
        var nextID: Int64 = 1
        for batch in 0..<40 {
            let stream = ["a", "b", "c"][next(3)]
            let base = Int64(next(50)) * 10
            let times = (0..<(1 + next(12))).map { _ in base + Int64(next(40)) }.sorted()
            let events = times.enumerated().map {
                NewLogEvent(timestamp: $0.element, message: Array("\(stream)-\(batch)-\($0.offset)".utf8))
            }
            try await store.append(
                group: "g", stream: stream, events: events, datapoints: MinuteAggregator(), ingestionTime: Int64(batch))
            for e in events {
                all.append(
                    StoredLogEvent(
                        id: nextID, streamName: stream, timestamp: e.timestamp, ingestionTime: Int64(batch),
                        message: e.message))
                nextID += 1
            }
        }
        return (store, all.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) })
    }

    @Test(
        "reading forward or backward, in pages of any size, with time ranges and stream filters, equals sorting every event",
        arguments: [1, 2, 3] as [UInt64])
    func mergeMatchesSorting(seed: UInt64) async throws {
        let (store, expected) = try await Self.populate(seed: seed)
        #expect(try await store.events(group: "g", EventQuery(limit: 10_000)) == expected)
        #expect(try await store.events(group: "g", EventQuery(forward: false, limit: 10_000)) == expected.reversed())
        for pageSize in [1, 7, 50] {
            for forward in [true, false] {
                var got: [StoredLogEvent] = []
                var cursor: EventCursor?
                while true {
                    let page = try await store.events(
                        group: "g", EventQuery(after: cursor, forward: forward, limit: pageSize))
                    got += page
                    guard let last = page.last, page.count == pageSize else { break }
                    cursor = EventCursor(timestamp: last.timestamp, id: last.id)
                }
                #expect(got == (forward ? expected : expected.reversed()), "page size \(pageSize), forward \(forward)")
            }
        }
        let ranged = try await store.events(
            group: "g", EventQuery(streamNames: ["a", "c"], startTime: 100, endTime: 300, limit: 10_000))
        #expect(
            ranged
                == expected.filter { ["a", "c"].contains($0.streamName) && $0.timestamp >= 100 && $0.timestamp < 300 })
        let prefixed = try await store.events(group: "g", EventQuery(streamNamePrefix: "b", forward: false, limit: 5))
        #expect(prefixed == Array(expected.filter { $0.streamName == "b" }.reversed().prefix(5)))
    }

    @Test("retention drops whole blocks and the older part of a block across the cutoff, keeping ids")
    func retentionInsideBlocks() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        try await store.createLogGroup(name: "g", retentionInDays: 1, tags: [:], now: 0)
        try await store.createLogStream(group: "g", name: "s", now: 0)
        let day: Int64 = 86_400_000
        let events = [0, 10, day + 5, day + 6].map { NewLogEvent(timestamp: $0, message: Array("e\($0)".utf8)) }
        try await store.append(
            group: "g", stream: "s", events: Array(events[..<2]), datapoints: MinuteAggregator(), ingestionTime: 0)
        try await store.append(
            group: "g", stream: "s", events: [events[0], events[2], events[3]].map { $0 },
            datapoints: MinuteAggregator(), ingestionTime: 0)
        // the first block, and the oldest event of the second
        #expect(try await store.applyRetention(now: 2 * day + 5) == 3)
        let left = try await store.events(group: "g", EventQuery(limit: 100))
        #expect(left.map(\.timestamp) == [day + 5, day + 6] && left.map(\.id) == [4, 5])
    }

    @Test("retention lowers the stored bytes of the streams it trims, by the messages it dropped")
    func retentionLowersStoredBytes() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        try await store.createLogGroup(name: "g", retentionInDays: 1, tags: [:], now: 0)
        let day: Int64 = 86_400_000
        for stream in ["old", "mixed", "new"] { try await store.createLogStream(group: "g", name: stream, now: 0) }
        func put(_ stream: String, _ events: [(Int64, String)]) async throws {
            try await store.append(
                group: "g", stream: stream,
                events: events.map { NewLogEvent(timestamp: $0.0, message: Array($0.1.utf8)) },
                datapoints: MinuteAggregator(), ingestionTime: 0)
        }
        try await put("old", [(1, "aaaa"), (2, "bbbbbb")])  // 10 bytes, all expire
        try await put("mixed", [(3, "ccc"), (day + 10, "dddddddd")])  // 3 expire, 8 stay (one block across the cutoff)
        try await put("mixed", [(4, "ee")])  // 2 expire (a whole block)
        try await put("new", [(day + 20, "fffff")])  // 5 stay
        func stored() async throws -> [String: Int64] {
            Dictionary(
                uniqueKeysWithValues: try await store.logStreams(
                    group: "g", prefix: nil, order: .logStreamName, descending: false, offset: 0, limit: 50
                )
                .map { ($0.name, $0.storedBytes) })
        }
        #expect(try await stored() == ["old": 10, "mixed": 13, "new": 5])
        #expect(try await store.applyRetention(now: 2 * day + 5) == 4)
        #expect(try await stored() == ["old": 0, "mixed": 8, "new": 5])
        #expect(try await store.logGroups(prefix: nil, afterName: nil, limit: 10).first?.storedBytes == 13)
    }

    @Test("a version-2 database's events become blocks, with their ids, and new ids continue after them")
    func migratesEvents() async throws {
        let path = NSTemporaryDirectory() + "vigil-v2-\(UUID().uuidString).db"
        do {
            let database = try SQLiteDatabase(path: path)
            try SchemaMigrator(migrations: Array(VigilSchema.migrator.migrations.prefix(2))).migrate(database)
            try await database.write { db in
                try db.execute("INSERT INTO log_groups (id, name, creation_time) VALUES (1, 'g', 0)")
                try db.execute("INSERT INTO log_streams (id, group_id, name, creation_time) VALUES (1, 1, 's', 0)")
                try db.execute(
                    "INSERT INTO log_events (id, group_id, stream_id, timestamp, ingestion_time, message) VALUES (7, 1, 1, 500, 9, X'6869'), (8, 1, 1, 400, 9, X'6f6b')"
                )
            }
        }
        let store = try SQLiteLogStore(path: path)
        let before = try await store.events(group: "g", EventQuery(limit: 10))
        #expect(
            before.map(\.id) == [8, 7] && before.map { String(decoding: $0.message, as: UTF8.self) } == ["ok", "hi"]
                && before[0].ingestionTime == 9)
        try await store.append(
            group: "g", stream: "s", events: [NewLogEvent(timestamp: 600, message: [0x21])],
            datapoints: MinuteAggregator(), ingestionTime: 10)
        #expect(try await store.events(group: "g", EventQuery(limit: 10)).map(\.id) == [8, 7, 9])
    }
}
