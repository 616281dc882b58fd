import Crypto
import Foundation
import VigilAPI
import VigilStore

/// Ingests CloudTrail log files as delivered to S3 (`.json.gz` or `.json`, alone or in the
/// `AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/` tree) into a log group, as CloudTrail's own
/// delivery to CloudWatch Logs would.
///
/// Each record becomes one event, timestamped with its `eventTime`, in the stream
/// `ACCOUNT_CloudTrail_REGION` named after the log file (or, for other file names, the first record's
/// `recipientAccountId` and `awsRegion`). A record that cannot be a log event is skipped and counted by
/// reason, never its neighbours: over 256 KB (CloudTrail does not send those to CloudWatch Logs),
/// without an `eventTime`, timed before 1970 (PutLogEvents refuses negative timestamps), or holding
/// bytes that are not UTF-8. A file is identified by the SHA-256 of its bytes and the log group, and
/// its progress is committed with every batch of its events: a file is never ingested twice into a
/// group, one already finished is recognised before it is decompressed, and a run killed in the
/// middle of one resumes at the record where it stopped.
public struct CloudTrailIngester: Sendable {
    public let service: LogsService
    public let group: String
    /// How many bytes one compressed file may inflate to before it is refused as a gzip bomb.
    public var maximumInflatedBytes = Gzip.defaultMaximumSize

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
        public var beforeEpochSkipped = 0
        public var notUTF8Skipped = 0
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

    /// Why a record is not ingested.
    enum SkipReason: CaseIterable {
        case oversize, untimed, beforeEpoch, notUTF8

        var description: String {
            switch self {
            case .oversize: "over 256 KB"
            case .untimed: "without an eventTime in ISO 8601 UTC"
            case .beforeEpoch: "with an eventTime before 1970"
            case .notUTF8: "holding bytes that are not UTF-8"
            }
        }
    }

    /// Why `record` cannot be a log event, if it cannot.
    static func skipReason(_ record: CloudTrailLogFile.Record) -> SkipReason? {
        if record.range.count > maximumRecordBytes { return .oversize }
        if !record.isUTF8 { return .notUTF8 }
        guard let time = record.eventTime else { return .untimed }
        return time < 0 ? .beforeEpoch : nil
    }

    /// The progress row of a file: the SHA-256 of its bytes as stored (compressed or not) in one log
    /// group; a copy under another name is the same file, the same file in another group is not.
    static func source(group: String, digest: String) -> String { "cloudtrail:" + group + ":sha256:" + digest }

    /// What a finished file's progress row says besides its offset: how many records it has to ingest,
    /// so that a later run knows it is done without decompressing it, and its name, for people.
    static func identity(records: Int, fileName: String) -> String { "records=\(records);file=\(fileName)" }

    /// The record count in an ``identity(records:fileName:)`` text; nil for rows written before it
    /// (their file name alone).
    static func recordCount(identity: String) -> Int64? {
        guard identity.hasPrefix("records="), let end = identity.firstIndex(of: ";") else { return nil }
        return Int64(identity[identity.index(identity.startIndex, offsetBy: 8)..<end])
    }

    func ingest(file: String, into summary: inout Summary, report: (String) -> Void) async throws {
        let raw: [UInt8]
        do {
            raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file), options: .mappedIfSafe))
        } catch {
            throw CloudWatchLogsError.invalidParameter("cannot read the file (\(Self.reason(error)))")
        }
        summary.bytes += Int64(raw.count)
        let digest = SHA256.hash(data: raw).map { String(format: "%02x", $0) }.joined()
        let source = Self.source(group: group, digest: digest)
        var saved = try await service.store.offset(source: source)
        if saved == nil, let legacy = try await service.store.offset(source: "cloudtrail:" + Self.fingerprint(raw)) {
            // Progress recorded before files were known by SHA-256 (kept under the new name from now on).
            saved = IngestOffset(source: source, identity: legacy.identity, offset: legacy.offset)
        }
        if let saved, let count = Self.recordCount(identity: saved.identity), saved.offset >= count {
            summary.filesAlreadyIngested += 1
            return
        }
        let bytes = Gzip.isGzip(raw) ? try Gzip.decompress(raw, maximumSize: maximumInflatedBytes) : raw
        let log = try CloudTrailLogFile(bytes: bytes)

        var eligible: [(record: CloudTrailLogFile.Record, time: Int64)] = []
        var skipped: [SkipReason: (count: Int, first: Int)] = [:]
        for (index, record) in log.records.enumerated() {
            if let reason = Self.skipReason(record) {
                skipped[reason, default: (0, index + 1)].count += 1
                continue
            }
            guard let time = record.eventTime else { continue }
            eligible.append((record, time))
        }
        for reason in SkipReason.allCases {
            guard let (count, first) = skipped[reason] else { continue }
            switch reason {
            case .oversize: summary.oversizeSkipped += count
            case .untimed: summary.untimedSkipped += count
            case .beforeEpoch: summary.beforeEpochSkipped += count
            case .notUTF8: summary.notUTF8Skipped += count
            }
            if saved == nil {
                report(
                    "\(count) record\(count == 1 ? "" : "s") \(reason.description) skipped (the first is record \(first))"
                )
            }
        }
        if let saved, saved.offset >= Int64(eligible.count) {
            summary.filesAlreadyIngested += 1
            return
        }
        // PutLogEvents wants chronological batches; a stable sort keeps the order of equal times, so
        // the record index saved as progress means the same record on every run.
        let records = eligible.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(
            \.element)
        let fileName = (file as NSString).lastPathComponent
        let identity = Self.identity(records: records.count, fileName: fileName)
        let stream =
            CloudTrailLogFile.streamName(fileName: fileName)
            ?? records.first.map { "\($0.record.account ?? "unknown")_CloudTrail_\($0.record.region ?? "unknown")" }
            ?? "unknown_CloudTrail_unknown"
        try await service.ensureLogStream(group: group, name: stream)

        summary.files += 1
        if records.isEmpty {
            // A file with no eligible records is still remembered as done.
            try await service.store.record(IngestOffset(source: source, identity: identity, offset: 0))
            return
        }
        var start = Int(saved?.offset ?? 0)
        while start < records.count {
            var end = start
            var batchBytes = 0
            while end < records.count, end - start < LogsLimits.maximumBatchEvents,
                batchBytes + records[end].record.range.count + LogsLimits.perEventOverhead
                    <= LogsLimits.maximumBatchBytes,
                records[end].time - records[start].time <= LogsLimits.maximumBatchSpan
            {
                batchBytes += records[end].record.range.count + LogsLimits.perEventOverhead
                end += 1
            }
            let events = records[start..<end].map {
                NewLogEvent(timestamp: $0.time, message: Array(bytes[$0.record.range]))
            }
            let offset = IngestOffset(source: source, identity: identity, offset: Int64(end))
            let result = try await service.importLogEvents(group: group, stream: stream, events: events, offset: offset)
            for warning in result.warnings { report(warning) }
            summary.events += result.accepted
            summary.expiredSkipped += events.count - result.accepted
            start = end
        }
    }

    /// What went wrong reading a file, in a sentence (Foundation's own errors say little).
    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(truncatingIfNeeded: posix.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
        return ns.localizedDescription
    }

    /// The 128-bit fingerprint (two FNV-1a-64 hashes with different seeds, and the length) that named a
    /// file's progress before SHA-256 did; read to recognise files ingested then.
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
