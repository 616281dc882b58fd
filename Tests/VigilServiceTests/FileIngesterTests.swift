import Foundation
import Synchronization
import Testing
import VigilAPI
import VigilService
import VigilStore

/// Ingesting a file resumes from its saved offset and skips bad lines with a report.
struct FileIngesterTests {
    @Test("a second run ingests only the lines appended since the first; bad lines are reported")
    func resumes() async throws {
        let dir = NSTemporaryDirectory() + "vigil-ingest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/app.log"
        var bytes = Array("one\n\ntwo\r\n".utf8) + [0xFF, 0xFE, 0x0A] + Array("three\npartial".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let service = LogsService(store: try SQLiteLogStore(path: dir + "/vigil.db"))
        let ingester = FileIngester(service: service, group: "app", stream: "host-1")
        try await ingester.prepare()
        var problems: [String] = []
        let first = try await ingester.ingest(path: path, report: { problems.append($0) })
        #expect(first.events == 3 && first.skippedEmpty == 1 && first.skippedInvalid == 1)
        #expect(
            problems == [
                "line 4: not valid UTF-8; skipped",
                "line 6 has no newline yet (7 bytes): waiting; a later run reads it once it ends",
            ])
        #expect(first.waitingBytes == 7)
        bytes += Array(" line\nfour\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let second = try await ingester.ingest(path: path)
        #expect(second.events == 2)
        let messages = try await service.filterLogEvents(group: "app").events.map {
            String(decoding: $0.message, as: UTF8.self)
        }
        #expect(messages == ["one", "two", "three", "partial line", "four"])
    }
}

/// `--follow`: appended lines arrive, a rotated file is finished before the new one, a truncated file is reread.
struct FileFollowTests {
    final class Flag: Sendable {
        let value = Mutex(false)
    }

    /// Waits (up to 20 s) until the group holds `count` events; returns their messages.
    static func waitFor(_ count: Int, _ service: LogsService) async throws -> [String] {
        for _ in 0..<2_000 {
            let messages = try await service.filterLogEvents(group: "app").events.map {
                String(decoding: $0.message, as: UTF8.self)
            }
            if messages.count >= count { return messages }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await service.filterLogEvents(group: "app").events.map {
            String(decoding: $0.message, as: UTF8.self)
        }
    }

    static func append(_ text: String, to path: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    @Test("tails appended lines, waits for a partial line, follows rotation and truncation, and stops cleanly")
    func follows() async throws {
        let dir = NSTemporaryDirectory() + "vigil-follow-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/app.log"
        try Data("a\nb\n".utf8).write(to: URL(fileURLWithPath: path))
        let service = LogsService(store: try SQLiteLogStore(path: dir + "/vigil.db"))
        let ingester = FileIngester(service: service, group: "app", stream: "host")
        try await ingester.prepare()
        let stop = Flag()
        let result = Mutex<FileIngester.Summary?>(nil)
        let tail = Task {
            let follow = FileIngester.Follow(
                pollInterval: .milliseconds(10), shouldStop: { stop.value.withLock { $0 } })
            let summary = try? await ingester.ingest(path: path, follow: follow)
            result.withLock { $0 = summary }
        }
        #expect(try await Self.waitFor(2, service) == ["a", "b"])
        try Self.append("c\npartial", to: path)
        #expect(try await Self.waitFor(3, service) == ["a", "b", "c"])
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await Self.waitFor(3, service).count == 3, "a line without its newline waits")
        try Self.append(" line\n", to: path)
        #expect(try await Self.waitFor(4, service).last == "partial line")
        // Rotation as logrotate does it: rename, a last write to the old file, then a new file.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Self.append("d\n", to: path + ".1")
        try Data("e\nffff\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try await Self.waitFor(7, service).suffix(3) == ["d", "e", "ffff"])
        // Truncation in place, then a shorter line.
        try Data("g\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try await Self.waitFor(8, service).last == "g")
        stop.value.withLock { $0 = true }
        await tail.value
        let summary = try #require(result.withLock { $0 })
        #expect(summary.rotations == 1 && summary.truncations == 1)
        #expect(try await Self.waitFor(8, service) == ["a", "b", "c", "partial line", "d", "e", "ffff", "g"])
        // A rerun finds nothing new: the offset of the new file was committed.
        #expect(try await ingester.ingest(path: path).events == 0)
    }
}
