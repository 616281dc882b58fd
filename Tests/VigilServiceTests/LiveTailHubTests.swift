import Foundation
import Synchronization
import Testing
import VigilAPI
import VigilMetrics
import VigilPatterns
import VigilService
import VigilStore

/// The live-tail hub and its sessions: every committed event a session selects, once, in commit order —
/// live, resumed from an id, written by another process on the same data, or after falling behind —
/// and ingest never waits for a reader.
struct LiveTailHubTests {
    static func store(_ path: String = ":memory:") async throws -> SQLiteLogStore {
        let store = try SQLiteLogStore(path: path)
        for group in ["app", "audit"] {
            if (try await store.logGroup(name: group)) == nil {
                try await store.createLogGroup(name: group, retentionInDays: nil, tags: [:], now: 0)
                for stream in ["web-1", "web-2", "worker"] {
                    try await store.createLogStream(group: group, name: stream, now: 0)
                }
            }
        }
        return store
    }

    static func append(
        _ store: any StoreBackend, _ group: String, _ stream: String, _ messages: [String], at t: Int64 = 1_000
    )
        async throws
    {
        try await store.append(
            group: group, stream: stream,
            events: messages.map { NewLogEvent(timestamp: t, message: Array($0.utf8)) },
            datapoints: MinuteAggregator(), ingestionTime: t + 1)
    }

    /// Reads `session` until it has shown `count` events (or a few seconds pass).
    static func read(_ session: LiveTailSession, count: Int, maximum: Int = 1_000) async throws -> [TailedLogEvent] {
        var out: [TailedLogEvent] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while out.count < count, ContinuousClock.now < deadline {
            out += try await session.next(maximum: maximum, wait: .milliseconds(100))
        }
        return out
    }

    static func texts(_ events: [TailedLogEvent]) -> [String] {
        events.map { String(decoding: $0.message, as: UTF8.self) }
    }

    @Test func aLiveSessionShowsWhatIsCommittedAfterItOpensInCommitOrderFiltered() async throws {
        let store = try await Self.store()
        let hub = LiveTailHub(store: store)
        try await Self.append(store, "app", "web-1", ["before"])
        let session = try await hub.open(
            LiveTailFilter(groups: ["app"], streamNamePrefixes: ["web"], pattern: try FilterPattern("ERROR")))
        try await Self.append(store, "app", "web-1", ["ERROR one", "INFO two"], at: 5_000)
        try await Self.append(store, "audit", "web-1", ["ERROR other group"])
        try await Self.append(store, "app", "worker", ["ERROR other stream"])
        // An older timestamp committed later still comes later: commit order.
        try await Self.append(store, "app", "web-2", ["ERROR three"], at: 10)
        let events = try await Self.read(session, count: 2)
        #expect(Self.texts(events) == ["ERROR one", "ERROR three"])
        #expect(events.map(\.stream) == ["web-1", "web-2"] && events.allSatisfy { $0.group == "app" })
        #expect(events[0].timestamp == 5_000 && events[0].ingestionTime == 5_001)
        #expect(events[0].id < events[1].id)
        // Nothing more, and an empty answer after the wait.
        #expect(try await session.next(wait: .milliseconds(50)).isEmpty)
    }

    @Test func aResumedSessionShowsEveryEventAfterItsIdOnceWhileWritesContinue() async throws {
        let store = try await Self.store()
        let hub = LiveTailHub(store: store)
        try await Self.append(store, "app", "web-1", (0..<2_500).map { "old \($0)" })
        let all = try await store.committedEvents(groups: ["app"], after: 0, limit: 10_000)
        let resumeAfter = try #require(all.first).firstEventID + 99
        let session = try await hub.open(LiveTailFilter(groups: ["app"]), after: resumeAfter)
        // Writes go on while the session catches up from the store and then follows the ring.
        let writer = Task {
            for round in 0..<50 {
                try await Self.append(
                    store, round % 2 == 0 ? "app" : "audit", "web-1", (0..<20).map { "new \(round)-\($0)" })
            }
        }
        try await writer.value
        let expected = 2_500 - 100 + 25 * 20
        let events = try await Self.read(session, count: expected, maximum: 333)
        #expect(events.count == expected)
        #expect(Set(events.map(\.id)).count == events.count, "no event twice")
        #expect(events.map(\.id) == events.map(\.id).sorted(), "commit order")
        #expect(Self.texts(events).first == "old 100" && Self.texts(events).last == "new 48-19")
        #expect(await session.lastEventID >= events.last?.id ?? .max)
    }

    @Test func writesOfAnotherProcessOnTheSameDataAreShownToo() async throws {
        let path = NSTemporaryDirectory() + "vigil-tail-\(UUID().uuidString).db"
        let ours = try await Self.store(path)
        let theirs = try SQLiteLogStore(path: path)
        let hub = LiveTailHub(store: ours)
        let session = try await hub.open(LiveTailFilter(groups: ["app"]))
        // Caught up with the store: from here on the session follows the ring.
        #expect(try await session.next(wait: .milliseconds(10)).isEmpty)
        try await Self.append(theirs, "app", "web-1", ["theirs 1"])
        try await Self.append(ours, "app", "web-1", ["ours 1"])
        try await Self.append(theirs, "app", "web-1", ["theirs 2"])
        let events = try await Self.read(session, count: 3)
        // "theirs 1" is a gap before a batch of ours; "theirs 2" has no batch of ours after it: the session
        // finds both in the store, the second when its wait ends.
        #expect(Self.texts(events) == ["theirs 1", "ours 1", "theirs 2"])
    }

    /// interrupt() ends a long wait at once (a server shutting down ends its SSE streams so). The wait is an
    /// hour and the bound ten minutes, so a loaded machine's pauses cannot fail it and only the interrupt
    /// can pass it; the time limit ends the test if the interrupt is missed.
    @Test(.timeLimit(.minutes(2))) func interruptEndsALongWaitAtOnce() async throws {
        let store = try await Self.store()
        let session = try await LiveTailHub(store: store).open(LiveTailFilter(groups: ["app"]))
        #expect(try await session.next(wait: .milliseconds(10)).isEmpty)
        let clock = ContinuousClock()
        let start = clock.now
        Task {
            try await Task.sleep(for: .milliseconds(100))
            session.interrupt()
        }
        #expect(try await session.next(wait: .seconds(3_600)).isEmpty)
        #expect(clock.now - start < .seconds(600), "ended \(clock.now - start) after the wait began")
    }

    /// A long wait (an SSE stream waits between keep-alives) still shows another process's write when the
    /// store is next looked at (every 250 ms), not when the wait ends: the wait is an hour.
    @Test(.timeLimit(.minutes(2))) func anotherProcesssWriteShowsDuringALongWait() async throws {
        let path = NSTemporaryDirectory() + "vigil-tail-\(UUID().uuidString).db"
        let ours = try await Self.store(path)
        let theirs = try SQLiteLogStore(path: path)
        let session = try await LiveTailHub(store: ours).open(LiveTailFilter(groups: ["app"]))
        #expect(try await session.next(wait: .milliseconds(10)).isEmpty)
        let clock = ContinuousClock()
        let start = clock.now
        Task {
            try await Task.sleep(for: .milliseconds(100))
            try await Self.append(theirs, "app", "web-1", ["theirs"])
        }
        #expect(Self.texts(try await session.next(wait: .seconds(3_600))) == ["theirs"])
        #expect(clock.now - start < .seconds(600), "shown \(clock.now - start) after the wait began")
    }

    @Test func aSessionThatFallsBehindIsToldWhereItStoppedAndCanResumeFromThereMissingNothing() async throws {
        let store = try await Self.store()
        let hub = LiveTailHub(store: store, capacity: 4_096)
        let slow = try await hub.open(LiveTailFilter(groups: ["app"]))
        try await Self.append(store, "app", "web-1", ["first"])
        #expect(Self.texts(try await Self.read(slow, count: 1)) == ["first"])
        // The writer never waits for it: 200 batches go through a ring that holds a few.
        for round in 0..<200 { try await Self.append(store, "app", "web-1", ["batch \(round)"]) }
        var lastEventID: Int64?
        do {
            _ = try await slow.next()
        } catch LiveTailError.fellBehind(let id) {
            lastEventID = id
        }
        let resumeAfter = try #require(lastEventID)
        await slow.close()
        let resumed = try await hub.open(LiveTailFilter(groups: ["app"]), after: resumeAfter)
        #expect(Self.texts(try await Self.read(resumed, count: 200)) == (0..<200).map { "batch \($0)" })
    }

    @Test func theRingHoldsNothingWhileNoSessionIsOpen() async throws {
        let store = try await Self.store()
        let hub = LiveTailHub(store: store, capacity: 1_000_000)
        try await Self.append(store, "app", "web-1", ["unseen"])
        #expect(hub.sessionCount == 0)
        let session = try await hub.open(LiveTailFilter(groups: ["app"]))
        #expect(hub.sessionCount == 1)
        try await Self.append(store, "app", "web-1", ["seen"])
        #expect(Self.texts(try await Self.read(session, count: 1)) == ["seen"])
        await session.close()
        #expect(hub.sessionCount == 0)
        // Dropping a session closes it too.
        do { _ = try await hub.open(LiveTailFilter(groups: ["app"])) }
        #expect(hub.sessionCount == 0)
    }

    @Test(arguments: [Int64.min, -1, 0, Int64.max - 1, Int64.max])
    func hostileResumeIdsNeitherTrapNorInvent(_ after: Int64) async throws {
        let store = try await Self.store()
        let hub = LiveTailHub(store: store)
        try await Self.append(store, "app", "web-1", ["a", "b"])
        let session = try await hub.open(LiveTailFilter(groups: ["app"]), after: after)
        let events = try await session.next(wait: .milliseconds(20))
        #expect(Self.texts(events) == (after < 1 ? ["a", "b"] : []))
    }

    @Test func manySessionsEachSeeEverythingTheirFilterSelects() async throws {
        let store = try await Self.store()
        let hub = LiveTailHub(store: store)
        var sessions: [LiveTailSession] = []
        for index in 0..<20 {
            sessions.append(try await hub.open(LiveTailFilter(groups: [index % 2 == 0 ? "app" : "audit"])))
        }
        for round in 0..<30 { try await Self.append(store, round % 2 == 0 ? "app" : "audit", "worker", ["r\(round)"]) }
        for (index, session) in sessions.enumerated() {
            let texts = Self.texts(try await Self.read(session, count: 15))
            #expect(texts == stride(from: index % 2, to: 30, by: 2).map { "r\($0)" })
        }
    }

    /// Sessions with one pattern share its evaluation per batch (``BatchMatches``). Whatever order they
    /// read in, however few events they take at a time, and whichever streams they select, each must see
    /// exactly what the pattern alone selects from what it was opened to see.
    @Test func sessionsSharingAPatternEachSeeExactlyItsOwnSelection() async throws {
        let store = try await Self.store()
        let hub = LiveTailHub(store: store)
        let pattern = "?ERROR ?WARN -debug"
        let filters = [
            LiveTailFilter(groups: ["app"], pattern: try FilterPattern(pattern)),
            LiveTailFilter(groups: ["app"], streamNames: ["web-2"], pattern: try FilterPattern(pattern)),
            LiveTailFilter(groups: ["app", "audit"], streamNamePrefixes: ["web"], pattern: try FilterPattern(pattern)),
            LiveTailFilter(groups: ["app"], pattern: try FilterPattern("ERROR")),
        ]
        let words = ["ERROR", "WARN", "INFO", "debug", "ERROR debug", "WARN disk", "ok"]
        var written: [(group: String, stream: String, text: String)] = []
        var sessions: [(LiveTailSession, LiveTailFilter, opened: Int)] = []
        for round in 0..<40 {
            // Sessions open at different points: each sees only what came after.
            if round % 10 == 0 {
                for filter in filters {
                    let session = try await hub.open(filter)
                    // Caught up with the store (nothing there for it yet): from now on it reads the ring.
                    #expect(try await session.next(maximum: 1, wait: .zero).isEmpty)
                    sessions.append((session, filter, written.count))
                }
            }
            let group = round % 3 == 2 ? "audit" : "app"
            let stream = ["web-1", "web-2", "worker"][round % 3]
            let batch = (0..<(1 + round % 7)).map { "\(words[($0 + round) % words.count]) \(round).\($0)" }
            try await Self.append(store, group, stream, batch)
            written += batch.map { (group, stream, $0) }
        }
        for (index, (session, filter, opened)) in sessions.enumerated() {
            let expected = written[opened...].filter {
                filter.selects(group: $0.group, stream: $0.stream) && filter.matches(Array($0.text.utf8))
            }.map(\.text)
            #expect(!expected.isEmpty)
            // Sessions read in turn, a few events at a time: the later ones reuse the earlier ones' scans.
            let shown = Self.texts(try await Self.read(session, count: expected.count, maximum: 1 + index % 3))
            #expect(shown == expected, "session \(index) (\(filter.pattern?.text ?? ""), opened at \(opened))")
        }
    }

    /// While events keep coming a session takes them once a pace with all that came meanwhile; the first
    /// after a quiet spell, and the rest of a backlog, at once. (A pace of ten seconds, so that a loaded
    /// machine's pauses, which a CI run measured at 5 s, stay inside the bounds.)
    @Test func aSessionTakesEventsOncePerPaceWhileTheyKeepComingAndAtOnceOtherwise() async throws {
        let store = try await Self.store()
        let hub = LiveTailHub(store: store, pace: .seconds(10))
        let session = try await hub.open(LiveTailFilter(groups: ["app"]))
        #expect(try await session.next(maximum: 10, wait: .zero).isEmpty)
        let clock = ContinuousClock()
        // Quiet until now: the first event is taken as soon as it commits.
        var start = clock.now
        try await Self.append(store, "app", "web-1", ["first"])
        #expect(Self.texts(try await session.next(maximum: 10, wait: .seconds(30))) == ["first"])
        #expect(clock.now - start < .seconds(9))
        // Right after a take: the next two commits, 100 ms apart, come in one take, a pace after the first.
        start = clock.now
        try await Self.append(store, "app", "web-1", ["second"])
        try await Task.sleep(for: .milliseconds(100))
        try await Self.append(store, "app", "web-2", ["third"])
        #expect(Self.texts(try await session.next(maximum: 10, wait: .seconds(30))) == ["second", "third"])
        #expect(clock.now - start >= .seconds(8))
        // A backlog larger than a page: full pages come at once.
        try await Task.sleep(for: .seconds(10))
        try await Self.append(store, "app", "worker", ["a", "b", "c", "d", "e"])
        start = clock.now
        #expect(Self.texts(try await session.next(maximum: 2, wait: .seconds(30))) == ["a", "b"])
        #expect(Self.texts(try await session.next(maximum: 2, wait: .seconds(30))) == ["c", "d"])
        #expect(Self.texts(try await session.next(maximum: 2, wait: .seconds(30))) == ["e"])
        #expect(clock.now - start < .seconds(9))
    }
}
