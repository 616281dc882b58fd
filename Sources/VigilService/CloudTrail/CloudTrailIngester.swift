import Foundation
import VigilAPI
import VigilStore

/// Ingests CloudTrail log files as delivered to S3 (`.json.gz` or `.json`, alone or in the
/// `AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/` tree) into a log group, as CloudTrail's own
/// delivery to CloudWatch Logs would.
///
/// Each record becomes one event, timestamped with its `eventTime`, in the stream
/// `ACCOUNT_CloudTrail_REGION` named after the log file (or, for other file names, the first record's
/// `recipientAccountId` and `awsRegion`). Records over 256 KB are skipped and counted, as CloudTrail
/// does not send them to CloudWatch Logs. A file is identified by its content, and its progress is
/// committed with every batch of its events: a file is never ingested twice, and a run killed in
/// the middle of one resumes at the record where it stopped.
public struct CloudTrailIngester: Sendable {
    public let service: LogsService
    public let group: String

    /// The default log group, as in the CloudTrail console's default.
    public static let defaultGroup = "CloudTrail/DefaultLogGroup"
    /// CloudTrail does not send events over 256 KB to CloudWatch Logs.
    public static let maximumRecordBytes = 256 * 1024

    /// Totals of one run.
    public struct Summary: Sendable, Equatable {
        public var files = 0
        public var filesAlreadyIngested = 0
        public var filesFailed = 0
        public var events = 0
        public var oversizeSkipped = 0
        public var untimedSkipped = 0
        public var expiredSkipped = 0
        public var bytes: Int64 = 0
        public init() {}
    }

    public init(service: LogsService, group: String = Self.defaultGroup) {
        self.service = service
        self.group = group
    }

    /// The log files under `paths`: files as given, directories searched recursively for `.json` and
    /// `.json.gz` files (digest files, under `CloudTrail-Digest/`, are not log files), in path order.
    public static func discover(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CloudWatchLogsError.invalidParameter("'\(path)' does not exist")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let walker = fm.enumerator(atPath: path) else { continue }
            var found: [String] = []
            for case let relative as String in walker {
                guard relative.hasSuffix(".json") || relative.hasSuffix(".json.gz"),
                    !relative.contains("CloudTrail-Digest")
                else { continue }
                let full = (path as NSString).appendingPathComponent(relative)
                var dir: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue { found.append(full) }
            }
            files += found.sorted()
        }
        return files
    }

    /// Ingests every log file under `paths`. A file that cannot be read or parsed is reported through
    /// `report` and counted; the others proceed. `progress` gets the running totals after each file.
    public func ingest(
        paths: [String], report: (String) -> Void = { _ in }, progress: (Summary, String) -> Void = { _, _ in }
    ) async throws -> Summary {
        try await service.ensureLogGroup(group)
        var summary = Summary()
        for file in try Self.discover(paths) {
            do {
                try await ingest(file: file, into: &summary, report: { report("\(file): \($0)") })
            } catch let error as CloudWatchLogsError where error.code != .invalidParameter {
                throw error  // the store or the group is broken: stop
            } catch {
                summary.filesFailed += 1
                report("\(file): \(Self.describe(error)); skipped")
            }
            progress(summary, file)
        }
        return summary
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let e as Gzip.DecodeError: return e.description
        case let e as CloudTrailLogFile.FormatError: return e.description
        case let e as CloudWatchLogsError: return e.message
        default: return "\(error)"
        }
    }

    func ingest(file: String, into summary: inout Summary, report: (String) -> Void) async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CloudWatchLogsError.invalidParameter("cannot read the file")
        }
        let raw = [UInt8](data)
        summary.bytes += Int64(raw.count)
        // A file is known by its content: a copy under another name is the same file.
        let identity = Self.fingerprint(raw)
        let source = "cloudtrail:" + identity
        let saved = try await service.store.offset(source: source)
        let bytes = Gzip.isGzip(raw) ? try Gzip.decompress(raw) : raw
        let log = try CloudTrailLogFile(bytes: bytes)

        var eligible: [CloudTrailLogFile.Record] = []
        for record in log.records {
            if record.range.count > Self.maximumRecordBytes {
                summary.oversizeSkipped += 1
                continue
            }
            if record.eventTime == nil {
                summary.untimedSkipped += 1
                continue
            }
            eligible.append(record)
        }
        if let saved, saved.offset >= Int64(eligible.count) {
            summary.filesAlreadyIngested += 1
            return
        }
        // PutLogEvents wants chronological batches; a stable sort keeps the order of equal times, so
        // the record index saved as progress means the same record on every run.
        let records = eligible.enumerated().sorted {
            ($0.element.eventTime!, $0.offset) < ($1.element.eventTime!, $1.offset)
        }.map(\.element)
        let fileName = (file as NSString).lastPathComponent
        let stream =
            CloudTrailLogFile.streamName(fileName: fileName)
            ?? records.first.map { "\($0.account ?? "unknown")_CloudTrail_\($0.region ?? "unknown")" }
            ?? "unknown_CloudTrail_unknown"
        try await service.ensureLogStream(group: group, name: stream)

        summary.files += 1
        if records.isEmpty {
            // A file with no eligible records is still remembered as done.
            try await service.store.record(IngestOffset(source: source, identity: fileName, offset: 0))
            return
        }
        var start = Int(saved?.offset ?? 0)
        while start < records.count {
            var end = start
            var batchBytes = 0
            while end < records.count, end - start < LogsLimits.maximumBatchEvents,
                batchBytes + records[end].range.count + LogsLimits.perEventOverhead <= LogsLimits.maximumBatchBytes,
                records[end].eventTime! - records[start].eventTime! <= LogsLimits.maximumBatchSpan
            {
                batchBytes += records[end].range.count + LogsLimits.perEventOverhead
                end += 1
            }
            let events = records[start..<end].map {
                NewLogEvent(timestamp: $0.eventTime!, message: Array(bytes[$0.range]))
            }
            let offset = IngestOffset(source: source, identity: fileName, offset: Int64(end))
            let result = try await service.importLogEvents(group: group, stream: stream, events: events, offset: offset)
            for warning in result.warnings { report(warning) }
            summary.events += result.accepted
            summary.expiredSkipped += events.count - result.accepted
            start = end
        }
    }

    /// A 128-bit content fingerprint (two FNV-1a-64 hashes with different seeds) plus the length.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte ^ 0x5c)) &* 0x100_0000_01b3
        }
        return String(a, radix: 16) + String(b, radix: 16) + "-" + String(bytes.count)
    }
}
