import Foundation
import Testing
import VigilAPI
import VigilStore
import VigilTestSupport

@testable import VigilService

/// Where a file ends and begins is known by its identity (device, inode, first bytes), per log group
/// and stream; rotated files are finished, also after a restart and once compressed.
struct FileIdentityTests {
    struct Setup {
        let dir: String
        let path: String
        let service: LogsService

        init() throws {
            dir = NSTemporaryDirectory() + "vigil-identity-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            path = dir + "/app.log"
            service = LogsService(store: try SQLiteLogStore(path: dir + "/vigil.db"))
        }

        func ingester(_ stream: String = "host") -> FileIngester {
            FileIngester(service: service, group: "app", stream: stream)
        }

        func ingest(_ file: String? = nil, stream: String = "host", report: @escaping (String) -> Void = { _ in })
            async throws -> FileIngester.Summary
        {
            let i = ingester(stream)
            try await i.prepare()
            return try await i.ingest(path: file ?? path, report: report)
        }

        func messages(stream: String = "host") async throws -> [String] {
            try await service.getLogEvents(group: "app", stream: stream, startFromHead: true).events.map {
                String(decoding: $0.message, as: UTF8.self)
            }
        }

        func write(_ text: String, to file: String? = nil) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file ?? path))
        }

        func append(_ text: String, to file: String? = nil) throws {
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: file ?? path))
            try h.seekToEnd()
            try h.write(contentsOf: Data(text.utf8))
            try h.close()
        }

        func inode(_ file: String) throws -> Int {
            try (FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? NSNumber)?.intValue ?? -1
        }

        func run(_ arguments: [String]) async throws {
            let r = try await ChildProcess.run("/usr/bin/env", arguments)
            #expect(r.status == 0, "\(arguments): \(r.output)")
        }
    }

    @Test("a new file in the place of the old one (same inode, other first bytes) is read from its start")
    func sameInodeOtherFile() async throws {
        let s = try Setup()
        try s.write("old 1\nold 2\n")
        #expect(try await s.ingest().events == 2)
        let inode = try s.inode(s.path)
        // Rewritten in place: the inode stays, as ext4 hands a freed inode to the next file.
        try s.write("new 1\nnew 2\nnew 3\nnew 4\n")
        #expect(try s.inode(s.path) == inode)
        var problems: [String] = []
        let second = try await s.ingest(report: { problems.append($0) })
        #expect(second.events == 4)
        #expect(try await s.messages() == ["old 1", "old 2", "new 1", "new 2", "new 3", "new 4"])
        #expect(problems.count == 1 && problems[0].hasSuffix("reading the new file from its start"), "\(problems)")
    }

    @Test("the same file sent to a second stream is ingested there in full")
    func secondStream() async throws {
        let s = try Setup()
        try s.write("a\nb\n")
        #expect(try await s.ingest().events == 2)
        #expect(try await s.ingest(stream: "copy").events == 2)
        #expect(try await s.messages(stream: "copy") == ["a", "b"])
        #expect(try await s.ingest(stream: "copy").events == 0)
    }

    @Test(
        "lines appended while no one read, then rotated away, are read before the new file; the rotated file by hand adds nothing"
    )
    func rotatedWhileDown() async throws {
        let s = try Setup()
        try s.write("a\nb\n")
        #expect(try await s.ingest().events == 2)
        try s.append("c\nd")  // the last line of a rotated file needs no newline
        try FileManager.default.moveItem(atPath: s.path, toPath: s.path + ".1")
        try s.write("e\n")
        var problems: [String] = []
        let summary = try await s.ingest(report: { problems.append($0) })
        #expect(summary.events == 3 && summary.rotations == 1)
        #expect(try await s.messages() == ["a", "b", "c", "d", "e"])
        #expect(problems.contains { $0.contains("finishing app.log.1") }, "\(problems)")
        // By hand, afterwards: the rotated file is known by its identity, whatever its name now.
        #expect(try await s.ingest(s.path + ".1").events == 0)
        #expect(try await s.ingest().events == 0)
        #expect(try await s.messages().count == 5)
    }

    @Test("a rotated file already compressed by logrotate is found by its first bytes and finished")
    func rotatedAndCompressed() async throws {
        let s = try Setup()
        try s.write("a\nb\n")
        #expect(try await s.ingest().events == 2)
        try s.append("c\n")
        try FileManager.default.moveItem(atPath: s.path, toPath: s.path + ".1")
        try await s.run(["gzip", s.path + ".1"])
        #expect(FileManager.default.fileExists(atPath: s.path + ".1.gz"))
        try s.write("d\n")
        let summary = try await s.ingest()
        #expect(summary.events == 2 && summary.rotations == 1)
        #expect(try await s.messages() == ["a", "b", "c", "d"])
    }

    @Test("a rotated file that is gone is reported; the new file is read from its start")
    func rotatedAndGone() async throws {
        let s = try Setup()
        try s.write("a\n")
        #expect(try await s.ingest().events == 1)
        try FileManager.default.moveItem(atPath: s.path, toPath: s.dir + "/elsewhere.txt.tmp")
        try FileManager.default.removeItem(atPath: s.dir + "/elsewhere.txt.tmp")
        try s.write("b\n")
        var problems: [String] = []
        #expect(try await s.ingest(report: { problems.append($0) }).events == 1)
        #expect(problems.contains { $0.contains("is not among its siblings") }, "\(problems)")
    }

    @Test("line numbers count from the file's start on a run that resumes")
    func lineNumbersFromStart() async throws {
        let s = try Setup()
        try s.write("1\n2\n3\n")
        _ = try await s.ingest()
        var bytes = Array("4\n".utf8) + [0xFF, 0x0A] + Array("6\n".utf8)
        bytes += [UInt8](repeating: 0x78, count: 1_048_576 - 26 + 1) + [0x0A]
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: s.path))
        try h.seekToEnd()
        try h.write(contentsOf: Data(bytes))
        try h.close()
        var problems: [String] = []
        let summary = try await s.ingest(report: { problems.append($0) })
        #expect(summary.events == 2 && summary.skippedInvalid == 2)
        #expect(
            problems == [
                "line 5: not valid UTF-8; skipped",
                "line 7: 1048551 bytes is larger than a log event may be (1048550 bytes); skipped",
            ])
    }

    @Test(
        "what is not a readable file is refused with its path and the reason",
        arguments: [("a directory", true), ("missing", false)])
    func notAFile(_ label: String, _ directory: Bool) async throws {
        let s = try Setup()
        let target = s.dir + "/logs"
        if directory { try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true) }
        let error = await #expect(throws: CloudWatchLogsError.self) { _ = try await s.ingest(target) }
        let expected =
            directory
            ? "'\(target)' is a directory: give the path of a log file (or '-' for standard input)"
            : "cannot open '\(target)' for reading: No such file or directory"
        #expect(error?.message == expected, "\(label)")
    }

    @Test("one process reads a file into a stream at a time; a dead holder's lease is taken at once")
    func oneReaderPerFileAndStream() async throws {
        let s = try Setup()
        try s.write("a\n")
        let ingester = s.ingester()
        try await ingester.prepare()
        let name = ingester.pathSource(URL(fileURLWithPath: s.path).standardizedFileURL.path)
        let host = ProcessInfo.processInfo.hostName
        // A live holder (this very test process under another tag): refused, with who holds it.
        let now = s.service.now()
        let alive = "pid \(ProcessInfo.processInfo.processIdentifier) on \(host) since 2026-12-01T00:00:00Z (other)"
        _ = try await s.service.store.acquireLease(name, holder: alive, now: now, until: now + 60_000)
        let error = await #expect(throws: CloudWatchLogsError.self) { _ = try await ingester.ingest(path: s.path) }
        #expect(
            error?.code == .operationAborted && error?.message.contains(alive) == true, "\(String(describing: error))")
        try await s.service.store.releaseLease(name, holder: alive)
        // A holder whose process has exited (a kill -9 releases nothing): taken without waiting.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        await exited.exited()
        let dead = "pid \(exited.processIdentifier) on \(host) since 2026-12-01T00:00:00Z"
        _ = try await s.service.store.acquireLease(name, holder: dead, now: now, until: now + 60_000)
        #expect(LeaseHolder.isGone(dead) && !LeaseHolder.isGone(alive) && !LeaseHolder.isGone("pid 1 on elsewhere"))
        #expect(try await ingester.ingest(path: s.path).events == 1)
    }

    @Test("progress text round-trips, and malformed rows are not taken for progress")
    func progressText() {
        let p = FileProgress(fingerprint: FileFingerprint(Array("abc".utf8)), lines: 7, path: "/var/log/a;path=b.log")
        #expect(FileProgress(text: p.text) == p)
        // SHA-256("abc"), FIPS 180-2's first example.
        #expect(p.fingerprint.digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        for text in ["", "fp=3:abc;lines=1;path=x", "fp=9999:" + p.fingerprint.digest + ";lines=1;path=x", "lines=1"] {
            #expect(FileProgress(text: text) == nil, "\(text)")
        }
    }

    @Test("files of 1 and 10 MB are ingested line for line, and a rerun adds nothing", arguments: [1, 10])
    func largeFiles(megabytes: Int) async throws {
        let s = try Setup()
        let line = String(repeating: "x", count: 99)
        let count = megabytes * 1_000_000 / 100
        try Data(String(repeating: line + "\n", count: count).utf8).write(to: URL(fileURLWithPath: s.path))
        let first = try await s.ingest()
        #expect(first.events == count && first.bytes == Int64(count * 100))
        #expect(try await s.ingest().events == 0)
        let stored = try await s.service.store.events(group: "app", EventQuery(limit: count + 1))
        #expect(stored.count == count)
    }
}
