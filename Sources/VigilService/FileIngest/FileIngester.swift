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
        /// Bytes of a last line without its newline, left for a later run.
        public var waitingBytes = 0
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

    /// How long a lease on a file (one ingest of it into this group and stream at a time) lasts
    /// unless renewed; renewed every quarter of it while the file is read.
    public static let leaseDuration: Int64 = 60_000

    /// The progress row of the file `identity` in this group and stream (log group and stream names
    /// cannot hold ':', so the key is unambiguous).
    func fileSource(_ identity: FileIdentity) -> String { "file:\(group):\(stream):inode:\(identity)" }

    /// The row naming the file last read at `path` (its identity), to notice a rotation across runs.
    func pathSource(_ path: String) -> String { "file:\(group):\(stream):path:\(path)" }

    /// Reads `path` ("-" for standard input) from where the last run stopped to its end, and then on
    /// with `follow`. `report` receives per-line problems and warnings; `progress` the running summary
    /// after each batch.
    public func ingest(
        path: String, follow: Follow? = nil, report: @escaping (String) -> Void = { _ in },
        progress: @escaping (Summary) -> Void = { _ in }
    ) async throws -> Summary {
        var reader = try await Reader(ingester: self, path: path, report: report, progress: progress)
        do {
            try await reader.run(follow: follow)
        } catch {
            await reader.close()
            throw error
        }
        await reader.close()
        return reader.summary
    }
}
