import Foundation
import Testing
import VigilService
import VigilStore

/// Ingesting a file resumes from its saved offset and skips bad lines with a report.
struct FileIngesterTests {
    @Test("a second run ingests only the lines appended since the first; bad lines are reported")
    func resumes() throws {
        let dir = NSTemporaryDirectory() + "vigil-ingest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/app.log"
        var bytes = Array("one\n\ntwo\r\n".utf8) + [0xFF, 0xFE, 0x0A] + Array("three\npartial".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let service = LogsService(store: try SQLiteLogStore(path: dir + "/vigil.db"))
        let ingester = FileIngester(service: service, group: "app", stream: "host-1")
        try ingester.prepare()
        var problems: [String] = []
        let first = try ingester.ingest(path: path, report: { problems.append($0) })
        #expect(first.events == 3 && first.skippedEmpty == 1 && first.skippedInvalid == 1)
        #expect(problems == ["line 4: not valid UTF-8; skipped"])
        bytes += Array(" line\nfour\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let second = try ingester.ingest(path: path)
        #expect(second.events == 2)
        let messages = try service.filterLogEvents(group: "app").events.map { String(decoding: $0.message, as: UTF8.self) }
        #expect(messages == ["one", "two", "three", "partial line", "four"])
    }
}
