import Foundation
import Synchronization
import Testing
import VigilMetrics
import VigilStore

/// Reading events in the order their writes committed (what a live tail resumes from), and the feed that
/// announces each committed batch in that order — against every backend, through the protocols only.
struct CommitOrderTests {
    static func event(_ t: Int64, _ text: String) -> NewLogEvent {
        NewLogEvent(timestamp: t, message: Array(text.utf8))
    }

    static func store(_ backend: Backend, groups: [String]) async throws -> any StoreBackend {
        let store = try backend.open()
        for group in groups {
            try await store.createLogGroup(name: group, retentionInDays: nil, tags: [:], now: 0)
            for stream in ["s1", "s2"] { try await store.createLogStream(group: group, name: stream, now: 0) }
        }
        return store
    }

    @Test("events come back in commit order with their ids, from any id on, cut at the limit", arguments: Backend.all)
    func commitOrder(_ backend: Backend) async throws {
        let store = try await Self.store(backend, groups: ["a", "b"])
        let first = try await store.nextEventID()
        // Out of time order within a batch: the batch is stored (and numbered) in time order.
        try await store.append(
            group: "a", stream: "s1", events: [Self.event(30, "a3"), Self.event(10, "a1"), Self.event(20, "a2")],
            datapoints: MinuteAggregator(), ingestionTime: 100)
        try await store.append(
            group: "b", stream: "s1", events: [Self.event(5, "b1")], datapoints: MinuteAggregator(),
            ingestionTime: 101)
        // Older timestamps, committed later: commit order, not time order.
        try await store.append(
            group: "a", stream: "s2", events: [Self.event(1, "a4"), Self.event(2, "a5")],
            datapoints: MinuteAggregator(), ingestionTime: 102)
        #expect(try await store.nextEventID() == first + 6)

        func texts(_ batches: [CommittedLogEvents]) -> [String] {
            batches.flatMap { $0.events.map { String(decoding: $0.message, as: UTF8.self) } }
        }
        let a = try await store.committedEvents(groups: ["a"], after: first - 1, limit: 100)
        #expect(texts(a) == ["a1", "a2", "a3", "a4", "a5"])
        #expect(a.map(\.firstEventID) == [first, first + 4])
        #expect(
            a.map(\.stream) == ["s1", "s2"] && a.map(\.ingestionTime) == [100, 102] && a.allSatisfy { $0.group == "a" })

        let both = try await store.committedEvents(groups: ["b", "a", "missing"], after: first - 1, limit: 100)
        #expect(texts(both) == ["a1", "a2", "a3", "b1", "a4", "a5"])
        #expect(both.map(\.group) == ["a", "b", "a"])

        // From inside a batch: the rest of it, with the ids of what is returned.
        let fromMiddle = try await store.committedEvents(groups: ["a", "b"], after: first, limit: 100)
        #expect(texts(fromMiddle) == ["a2", "a3", "b1", "a4", "a5"])
        #expect(fromMiddle.first?.firstEventID == first + 1)

        // A limit cuts a batch too; the next read continues after the last id returned.
        let page = try await store.committedEvents(groups: ["a", "b"], after: first - 1, limit: 4)
        #expect(texts(page) == ["a1", "a2", "a3", "b1"])
        let last = try #require(page.last)
        let rest = try await store.committedEvents(groups: ["a", "b"], after: last.endEventID - 1, limit: 1)
        #expect(texts(rest) == ["a4"] && rest.first?.firstEventID == first + 4)

        #expect(try await store.committedEvents(groups: ["a", "b"], after: first + 5, limit: 10).isEmpty)
        #expect(try await store.committedEvents(groups: [], after: 0, limit: 10).isEmpty)
        #expect(try await store.committedEvents(groups: ["a"], after: 0, limit: 0).isEmpty)
        #expect(try await store.committedEvents(groups: ["a"], after: .min, limit: 10).count == 2)
        #expect(try await store.committedEvents(groups: ["a"], after: .max, limit: 10).isEmpty)
    }

    @Test(
        "the feed announces every committed batch once, in commit order, as the store reads them back",
        arguments: Backend.all)
    func feed(_ backend: Backend) async throws {
        let store = try await Self.store(backend, groups: ["a", "b"])
        let heard = Mutex<[CommittedLogEvents]>([])
        store.logEventFeed.listen { batch in heard.withLock { $0.append(batch) } }
        let first = try await store.nextEventID()
        // Concurrent writers, so that batches share group commits.
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for writer in 0..<40 {
                tasks.addTask {
                    let events = (0..<(writer % 5 + 1)).map { Self.event(Int64(100 - $0), "w\(writer)-\($0)") }
                    try await store.append(
                        group: writer % 2 == 0 ? "a" : "b", stream: "s\(writer % 3 == 0 ? 1 : 2)", events: events,
                        datapoints: MinuteAggregator(), ingestionTime: Int64(writer))
                }
            }
            try await tasks.waitForAll()
        }
        // A failed append (no such stream) announces nothing.
        await #expect(throws: StoreError.self) {
            try await store.append(
                group: "a", stream: "nope", events: [Self.event(1, "x")], datapoints: MinuteAggregator(),
                ingestionTime: 0)
        }
        let announced = heard.withLock { $0 }
        #expect(announced.count == 40)
        // Contiguous ids in announcement order: no batch before another that committed earlier.
        #expect(announced.first?.firstEventID == first)
        for (before, after) in zip(announced, announced.dropFirst()) {
            #expect(after.firstEventID == before.endEventID)
        }
        let stored = try await store.committedEvents(groups: ["a", "b"], after: first - 1, limit: 1_000)
        #expect(stored == announced)
    }
}
