import Foundation
import VigilAPI
import VigilPatterns
import VigilStore

/// Ingests the lines of a file (or standard input) as log events, in batches that each commit the
/// events, their datapoints and the file offset reached, so a restart resumes without gaps or duplicates.
///
/// A line is one event, timestamped when read; `\r\n` endings lose the `\r`. Empty lines are skipped
/// (AWS requires at least one byte); lines that are not UTF-8 or longer than an event may be are
/// skipped and reported by line number. With ``Follow``, the file is tailed like `tail -F`: appended
/// lines are ingested as they come, a truncated file is read again from its start, and a rotated file
/// (the path now names another file) is read to its end before the new file is read from its start.
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
        public var rotations = 0
        public var truncations = 0
    }

    /// How to keep tailing once the end of the file is reached.
    public struct Follow: Sendable {
        /// How long to wait for more data before looking again.
        public var pollInterval: Duration
        /// Asked between polls; tailing ends (after a last flush) once it returns true.
        public var shouldStop: @Sendable () -> Bool
        /// Called between polls (e.g. for the retention sweep).
        public var idle: @Sendable () async -> Void

        public init(
            pollInterval: Duration = .milliseconds(250), shouldStop: @escaping @Sendable () -> Bool,
            idle: @escaping @Sendable () async -> Void = {}
        ) {
            self.pollInterval = pollInterval
            self.shouldStop = shouldStop
            self.idle = idle
        }
    }

    public init(service: LogsService, group: String, stream: String) {
        self.service = service
        self.group = group
        self.stream = stream
    }

    /// Creates the group and stream when missing.
    public func prepare() async throws {
        try await service.ensureLogGroup(group)
        try await service.ensureLogStream(group: group, name: stream)
    }

    /// The identity of a file: device and inode, so a rotated file (a new inode) starts from 0.
    static func identity(_ path: String) -> String? {
        guard let a = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return "\(a[.systemNumber] ?? 0):\(a[.systemFileNumber] ?? 0)"
    }

    static func size(_ path: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size].flatMap { ($0 as? NSNumber)?.int64Value }
    }

    /// Reads `path` ("-" for standard input) from where the last run stopped to its end, and then on
    /// with `follow`. `report` receives per-line problems and warnings; `progress` the running summary
    /// after each batch.
    public func ingest(
        path: String, follow: Follow? = nil, report: @escaping (String) -> Void = { _ in },
        progress: @escaping (Summary) -> Void = { _ in }
    ) async throws -> Summary {
        var reader = try await Reader(ingester: self, path: path, report: report, progress: progress)
        defer { reader.close() }
        try await reader.readToEnd()
        if path == "-" {
            // Standard input ended: its last line needs no newline.
            try await reader.finishPartialLine()
            try await reader.flush()
            return reader.summary
        }
        try await reader.flush()
        guard let follow else { return reader.summary }
        while !follow.shouldStop() {
            await follow.idle()
            try? await Task.sleep(for: follow.pollInterval)
            try await reader.readToEnd()
            try await reader.checkRotationAndTruncation()
            try await reader.flush()
        }
        return reader.summary
    }

    /// The state of one tailed file.
    struct Reader {
        let ingester: FileIngester
        let path: String
        let report: (String) -> Void
        let progress: (Summary) -> Void
        var handle: FileHandle
        var source: String?
        var identity = ""
        var summary = Summary()
        var pending: [NewLogEvent] = []
        var pendingBytes = 0
        /// File offset just after the last complete line read.
        var consumed: Int64 = 0
        var lineNumber = 0
        var carry: [UInt8] = []

        init(
            ingester: FileIngester, path: String, report: @escaping (String) -> Void,
            progress: @escaping (Summary) -> Void
        ) async throws {
            self.ingester = ingester
            self.path = path
            self.report = report
            self.progress = progress
            if path == "-" {
                handle = .standardInput
                return
            }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard let h = FileHandle(forReadingAtPath: absolute) else {
                throw CloudWatchLogsError.invalidParameter("cannot open '\(path)' for reading")
            }
            handle = h
            source = "file:" + absolute
            identity = FileIngester.identity(absolute) ?? "unknown"
            if let saved = try await ingester.service.store.offset(source: source!), saved.identity == identity {
                // A file shorter than the saved offset was truncated: start over.
                consumed = saved.offset <= (FileIngester.size(absolute) ?? 0) ? saved.offset : 0
            }
            try handle.seek(toOffset: UInt64(consumed))
        }

        func close() { if path != "-" { try? handle.close() } }

        mutating func flush() async throws {
            if pending.isEmpty { return }
            let offset = source.map { IngestOffset(source: $0, identity: identity, offset: consumed) }
            let result = try await ingester.service.putLogEvents(
                group: ingester.group, stream: ingester.stream, events: pending, offset: offset)
            for warning in result.warnings { report(warning) }
            summary.events += pending.count
            summary.batches += 1
            pending.removeAll(keepingCapacity: true)
            pendingBytes = 0
            progress(summary)
        }

        mutating func line(_ bytes: ArraySlice<UInt8>) async throws {
            lineNumber += 1
            var content = bytes
            if content.last == 13 { content = content.dropLast() }
            if content.isEmpty {
                summary.skippedEmpty += 1
                return
            }
            guard content.count <= LogsLimits.maximumMessageBytes else {
                summary.skippedInvalid += 1
                report(
                    "line \(lineNumber): \(content.count) bytes is larger than a log event may be (\(LogsLimits.maximumMessageBytes) bytes); skipped"
                )
                return
            }
            guard String(validating: content, as: UTF8.self) != nil else {
                summary.skippedInvalid += 1
                report("line \(lineNumber): not valid UTF-8; skipped")
                return
            }
            if pending.count == LogsLimits.maximumBatchEvents
                || pendingBytes + content.count + LogsLimits.perEventOverhead > LogsLimits.maximumBatchBytes
            {
                try await flush()
            }
            pending.append(NewLogEvent(timestamp: ingester.service.now(), message: Array(content)))
            pendingBytes += content.count + LogsLimits.perEventOverhead
        }

        /// Reads and ingests every complete line up to the current end of the file.
        mutating func readToEnd() async throws {
            while true {
                let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
                if chunk.isEmpty { return }
                summary.bytes += Int64(chunk.count)
                let scanFrom = carry.count
                carry.append(contentsOf: chunk)
                var lineStart = 0
                var searchFrom = scanFrom
                while let newline = carry.withUnsafeBufferPointer({
                    ByteSearch.firstIndex(of: 10, in: $0, from: searchFrom)
                }) {
                    // A batch flushed inside line() ends before this line, so the offset advances after it.
                    try await line(carry[lineStart..<newline])
                    consumed += Int64(newline - lineStart + 1)
                    lineStart = newline + 1
                    searchFrom = lineStart
                }
                carry.removeFirst(lineStart)
            }
        }

        /// A last line without a newline, taken as it is (the file is finished with).
        mutating func finishPartialLine() async throws {
            guard !carry.isEmpty else { return }
            try await line(carry[...])
            consumed += Int64(carry.count)
            carry.removeAll()
        }

        /// Follows the path to a new file after rotation, or back to the start after truncation.
        mutating func checkRotationAndTruncation() async throws {
            let absolute = String(source!.dropFirst("file:".count))
            guard let current = FileIngester.identity(absolute) else { return }  // moved away, not yet recreated: wait
            if current != identity {
                // Rotated: the old file is complete (what was written before the rename has been read).
                try await readToEnd()
                try await finishPartialLine()
                try await flush()
                guard let next = FileHandle(forReadingAtPath: absolute) else { return }
                try? handle.close()
                handle = next
                identity = current
                consumed = 0
                lineNumber = 0
                summary.rotations += 1
                report("\(path) was rotated; reading the new file from its start")
                try await readToEnd()
            } else if let size = FileIngester.size(absolute), size < consumed + Int64(carry.count) {
                // Truncated in place (`> file`, copytruncate): read it again from its start.
                try await flush()
                carry.removeAll()
                consumed = 0
                lineNumber = 0
                try handle.seek(toOffset: 0)
                summary.truncations += 1
                report("\(path) was truncated; reading it again from its start")
                try await readToEnd()
            }
        }
    }
}
