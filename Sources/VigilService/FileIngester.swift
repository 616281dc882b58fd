public import VigilStore
import Foundation

/// Ingests the lines of a file (or standard input) as log events, in batches that each commit the
/// events, their datapoints and the file offset reached, so a restart resumes without gaps or duplicates.
///
/// A line is one event, timestamped when read; `\r\n` endings lose the `\r`. Empty lines are skipped
/// (AWS requires at least one byte); lines that are not UTF-8 or longer than an event may be are
/// skipped and reported by line number.
public struct FileIngester: Sendable {
    public let service: LogsService
    public let group: String
    public let stream: String

    /// Totals of one run.
    public struct Summary: Sendable, Equatable {
        public var events = 0
        public var batches = 0
        public var skippedEmpty = 0
        public var skippedInvalid = 0
        public var bytes: Int64 = 0
    }

    public init(service: LogsService, group: String, stream: String) {
        self.service = service
        self.group = group
        self.stream = stream
    }

    /// Creates the group and stream when missing.
    public func prepare() throws {
        do { try service.createLogGroup(group) } catch let e as ServiceError where e.code == "ResourceAlreadyExistsException" {}
        do { try service.createLogStream(group: group, name: stream) } catch let e as ServiceError where e.code == "ResourceAlreadyExistsException" {}
    }

    /// The identity of a file: device and inode, so a rotated file (a new inode) starts from 0.
    static func identity(_ path: String) -> String {
        guard let a = try? FileManager.default.attributesOfItem(atPath: path) else { return "unknown" }
        return "\(a[.systemNumber] ?? 0):\(a[.systemFileNumber] ?? 0)"
    }

    /// Reads `path` ("-" for standard input) from where the last run stopped to its end.
    /// `report` receives per-line problems; `progress` the running summary after each batch.
    public func ingest(path: String, report: (String) -> Void = { _ in }, progress: (Summary) -> Void = { _ in }) throws -> Summary {
        let handle: FileHandle
        var source: String?
        var start: Int64 = 0
        var identity = ""
        if path == "-" {
            handle = .standardInput
        } else {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard let h = FileHandle(forReadingAtPath: absolute) else {
                throw ServiceError.invalidParameter("cannot open '\(path)' for reading")
            }
            handle = h
            source = "file:" + absolute
            identity = Self.identity(absolute)
            if let saved = try service.store.offset(source: source!), saved.identity == identity {
                let size = (try? FileManager.default.attributesOfItem(atPath: absolute)[.size] as? Int64) ?? 0
                // A file shorter than the saved offset was truncated: start over.
                start = saved.offset <= size ? saved.offset : 0
            }
            try handle.seek(toOffset: UInt64(start))
        }
        defer { if path != "-" { try? handle.close() } }

        var summary = Summary()
        var pending: [NewLogEvent] = []
        var pendingBytes = 0
        var consumed = start  // file offset just after the last complete line read
        var lineNumber = 0
        var carry: [UInt8] = []

        func flush() throws {
            if pending.isEmpty { return }
            let offset = source.map { IngestOffset(source: $0, identity: identity, offset: consumed) }
            let result = try service.putLogEvents(group: group, stream: stream, events: pending, offset: offset)
            for warning in result.warnings { report(warning) }
            summary.events += pending.count
            summary.batches += 1
            pending.removeAll(keepingCapacity: true)
            pendingBytes = 0
            progress(summary)
        }

        func line(_ bytes: ArraySlice<UInt8>) throws {
            lineNumber += 1
            var content = bytes
            if content.last == 13 { content = content.dropLast() }
            if content.isEmpty { summary.skippedEmpty += 1; return }
            guard content.count <= LogsLimits.maximumMessageBytes else {
                summary.skippedInvalid += 1
                report("line \(lineNumber): \(content.count) bytes is larger than a log event may be (\(LogsLimits.maximumMessageBytes) bytes); skipped")
                return
            }
            guard String(validating: content, as: UTF8.self) != nil else {
                summary.skippedInvalid += 1
                report("line \(lineNumber): not valid UTF-8; skipped")
                return
            }
            if pending.count == LogsLimits.maximumBatchEvents || pendingBytes + content.count + LogsLimits.perEventOverhead > LogsLimits.maximumBatchBytes {
                try flush()
            }
            pending.append(NewLogEvent(timestamp: service.now(), message: Array(content)))
            pendingBytes += content.count + LogsLimits.perEventOverhead
        }

        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            summary.bytes += Int64(chunk.count)
            carry.append(contentsOf: chunk)
            var lineStart = 0
            while let newline = carry[lineStart...].firstIndex(of: 10) {
                // A batch flushed inside line() ends before this line, so the offset advances after it.
                try line(carry[lineStart..<newline])
                consumed += Int64(newline - lineStart + 1)
                lineStart = newline + 1
            }
            carry.removeFirst(lineStart)
        }
        // A last line without a newline is ingested only from standard input; in a file it may still be
        // being written, so it waits for its newline (as `tail -F` readers do).
        if path == "-" && !carry.isEmpty {
            try line(carry[...])
            consumed += Int64(carry.count)
        }
        try flush()
        return summary
    }
}
