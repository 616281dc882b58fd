import Foundation
import Testing
import VigilAPI
import VigilMetrics
import VigilPatterns
import VigilStore
import VigilTestSupport

@testable import VigilService

/// CloudTrail log files, as delivered to S3, become log events as CloudTrail's delivery to CloudWatch Logs makes them.
struct CloudTrailIngesterTests {
    static func record(
        _ time: String, _ name: String, failed: Bool = false, account: String = "123456789012",
        region: String = "us-east-1",
        padding: Int = 0
    ) -> String {
        var fields = [
            #""eventVersion":"1.08""#, #""eventTime":"\#(time)""#, #""eventName":"\#(name)""#,
            #""awsRegion":"\#(region)""#, #""recipientAccountId":"\#(account)""#,
            #""userIdentity":{"type":"IAMUser","userName":"alice"}"#,
        ]
        if failed { fields.append(#""errorMessage":"Failed authentication""#) }
        if padding > 0 { fields.append(#""requestParameters":{"blob":"\#(String(repeating: "x", count: padding))"}"#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func logFile(_ records: [String]) -> [UInt8] {
        Array(#"{"Records":["#.utf8) + Array(records.joined(separator: ",").utf8) + Array("]}".utf8)
    }

    static func write(_ bytes: [UInt8], to path: String, gzip: Bool) async throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let compressed = gzip ? try await GzipTests.compress(bytes, ["gzip", "-c", "-n"]) : bytes
        try Data(compressed).write(to: URL(fileURLWithPath: path))
    }

    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "vigil-cloudtrail-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("a log file splits into its records byte for byte, with eventTime, account and region")
    func splitsRecords() throws {
        let records = [
            Self.record("2025-11-24T10:00:00Z", "ConsoleLogin"),
            Self.record("2025-11-24T10:00:01.250Z", "CreateUser", region: "eu-west-1"),
        ]
        let bytes =
            Array("  {\"Records\" : [ ".utf8) + Array(records.joined(separator: " ,\n").utf8)
            + Array(" ] , \"other\": [1, {\"a\": null}]}\n".utf8)
        let file = try CloudTrailLogFile(bytes: bytes)
        #expect(file.records.map { String(decoding: bytes[$0.range], as: UTF8.self) } == records)
        #expect(file.records.map(\.eventTime) == [1_763_978_400_000, 1_763_978_401_250])
        #expect(file.records.map(\.region) == ["us-east-1", "eu-west-1"])
        #expect(file.records.map(\.account) == ["123456789012", "123456789012"])
    }

    @Test(
        "malformed files are refused with the byte offset of the problem",
        arguments: [
            (
                #"{"Records":[{"eventTime":"x"}"#,
                "expected ',' or ']' after a list element, found the end of the text at line 1, column 30 (byte 29)"
            ),
            (#"{"records":[]}"#, "no \"Records\" array: not a CloudTrail log file"),
            (#"{"Records":[{"a":tru}]}"#, "expected true or false at line 1, column 18 (byte 17)"),
            (#"{"Records":[]} x"#, "unexpected 'x' after the JSON value at line 1, column 16 (byte 15)"),
            (#"["Records"]"#, "expected '{' to begin an object, found '[' at line 1, column 1 (byte 0)"),
            (
                #"{"Records":[], "Records":[{"eventTime":"2026-11-24T10:00:00Z"}]}"#,
                "the member name \"Records\" appears more than once in this object at line 1, column 16 (byte 15)"
            ),
        ])
    func refusesMalformed(_ text: String, _ message: String) throws {
        let error = #expect(throws: CloudTrailLogFile.FormatError.self) {
            try CloudTrailLogFile(bytes: Array(text.utf8))
        }
        #expect(error?.description == message)
    }

    @Test("stream names come from CloudTrail's log file names")
    func streamNames() {
        #expect(
            CloudTrailLogFile.streamName(fileName: "123456789012_CloudTrail_us-east-1_20251124T1005Z_AbC123.json.gz")
                == "123456789012_CloudTrail_us-east-1")
        #expect(CloudTrailLogFile.streamName(fileName: "events.json") == nil)
        #expect(CloudTrailLogFile.streamName(fileName: "12345_CloudTrail_us-east-1_x.json") == nil)
    }

    @Test(
        "an AWSLogs tree is ingested once: streams per account and region, eventTime timestamps, filters counted, oversize and broken files skipped"
    )
    func ingestsTree() async throws {
        let dir = try Self.temporaryDirectory()
        let root = dir + "/AWSLogs/123456789012/CloudTrail"
        let east = root + "/us-east-1/2025/11/24/123456789012_CloudTrail_us-east-1_20251124T1005Z_a1.json.gz"
        let west = root + "/eu-west-1/2025/11/24/123456789012_CloudTrail_eu-west-1_20251124T1010Z_b2.json"
        await try Self.write(
            Self.logFile([
                Self.record("2025-11-24T10:04:00Z", "ConsoleLogin", failed: true),
                Self.record("2025-11-24T10:01:00Z", "ConsoleLogin", failed: true),
                Self.record("2025-11-24T10:02:00Z", "DescribeInstances"),
                Self.record("2025-11-24T10:03:00Z", "PutObject", padding: 300_000),
            ]), to: east, gzip: true)
        await try Self.write(
            Self.logFile([Self.record("2025-11-24T10:06:00Z", "ConsoleLogin", failed: true, region: "eu-west-1")]),
            to: west, gzip: false)
        await try Self.write(
            Array(#"{"Records":[{"eventTime":"#.utf8), to: root + "/us-east-1/2025/11/24/broken.json", gzip: false)
        await try Self.write(
            Array(#"{"digestStartTime":"2025-11-24T09:00:00Z"}"#.utf8),
            to: dir + "/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2025/11/24/digest.json.gz", gzip: true)

        let service = LogsService(store: try SQLiteLogStore(path: dir + "/vigil.db"))
        let ingester = CloudTrailIngester(service: service)
        try await service.createLogGroup(CloudTrailIngester.defaultGroup)
        try await service.putMetricFilter(
            group: CloudTrailIngester.defaultGroup, name: "ConsoleSignInFailures",
            pattern: #"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
            transformations: [
                MetricTransformation(
                    metricName: "ConsoleSignInFailureCount", metricNamespace: "CloudTrailMetrics", metricValue: "1")
            ])
        var problems: [String] = []
        let first = try await ingester.ingest(paths: [dir + "/AWSLogs"], report: { problems.append($0) })
        #expect(first.files == 2 && first.filesFailed == 1 && first.events == 4 && first.oversizeSkipped == 1)
        #expect(
            problems.count == 2
                && problems.contains {
                    $0.hasSuffix("_a1.json.gz: 1 record over 256 KB skipped (the first is record 4)")
                }
                && problems.contains {
                    $0.hasSuffix(
                        "broken.json: expected a value, found the end of the text at line 1, column 26 (byte 25); skipped"
                    )
                },
            "\(problems)"
        )

        let streams = try await service.describeLogStreams(group: CloudTrailIngester.defaultGroup).streams.map(\.name)
        #expect(streams == ["123456789012_CloudTrail_eu-west-1", "123456789012_CloudTrail_us-east-1"])
        let events = try await service.getLogEvents(
            group: CloudTrailIngester.defaultGroup, stream: "123456789012_CloudTrail_us-east-1", startFromHead: true
        ).events
        #expect(events.map(\.timestamp) == [1_763_978_460_000, 1_763_978_520_000, 1_763_978_640_000])
        #expect(
            String(decoding: events[0].message, as: UTF8.self)
                == Self.record("2025-11-24T10:01:00Z", "ConsoleLogin", failed: true))

        let key = MetricKey(namespace: "CloudTrailMetrics", name: "ConsoleSignInFailureCount")
        let hour = try await service.metricStatistics(
            key, start: 1_763_978_400_000 - 3_600_000, end: 1_763_978_400_000 + 3_600_000, periodSeconds: 3600)
        #expect(hour.map(\.values.sum).reduce(0, +) == 3)

        // Again, and a copy under another name: nothing new.
        try FileManager.default.copyItem(atPath: west, toPath: dir + "/copy.json")
        let second = try await ingester.ingest(paths: [dir + "/AWSLogs", dir + "/copy.json"], report: { _ in })
        #expect(second.events == 0 && second.filesAlreadyIngested == 3 && second.files == 0)
        #expect(try await service.filterLogEvents(group: CloudTrailIngester.defaultGroup).events.count == 4)
    }

    @Test("a file cut short by a crash resumes at the record where its last committed batch ended")
    func resumesWithinFile() async throws {
        let dir = try Self.temporaryDirectory()
        // Three days of records: PutLogEvents batches may span 24 hours, so the file takes several batches.
        let records = (0..<6).map { k in Self.record("2025-11-2\(k / 2)T1\(k % 2):00:00Z", "Event\(k)") }
        let bytes = Self.logFile(records)
        let path = dir + "/123456789012_CloudTrail_us-east-1_20251122T0000Z_c3.json"
        await try Self.write(bytes, to: path, gzip: false)
        let service = LogsService(store: try SQLiteLogStore(path: dir + "/vigil.db"))
        let ingester = CloudTrailIngester(service: service)
        try await service.createLogGroup(CloudTrailIngester.defaultGroup)
        try await service.createLogStream(
            group: CloudTrailIngester.defaultGroup, name: "123456789012_CloudTrail_us-east-1")
        // What a run killed after its first batch (the first two records, one day) leaves behind.
        let source = CloudTrailIngester.source(
            group: CloudTrailIngester.defaultGroup, digest: try await Self.sha256(path))
        _ = try await service.importLogEvents(
            group: CloudTrailIngester.defaultGroup, stream: "123456789012_CloudTrail_us-east-1",
            events: try CloudTrailLogFile(bytes: bytes).records.prefix(2).map {
                NewLogEvent(timestamp: $0.eventTime!, message: Array(bytes[$0.range]))
            },
            offset: IngestOffset(source: source, identity: "c3", offset: 2))
        let summary = try await ingester.ingest(paths: [path])
        #expect(summary.events == 4 && summary.files == 1)
        let names = try await service.filterLogEvents(group: CloudTrailIngester.defaultGroup).events.map {
            String(decoding: $0.message, as: UTF8.self)
        }
        #expect(names == records)
        #expect(try await service.store.offset(source: source)?.offset == 6)
    }

    /// The SHA-256 of a file as coreutils' `sha256sum` computes it: an oracle independent of swift-crypto.
    static func sha256(_ path: String) async throws -> String {
        let r = try await ChildProcess.run("/usr/bin/env", ["sha256sum", path])
        #expect(r.status == 0, "\(r.output)")
        return r.output.split(separator: " ").first.map(String.init) ?? ""
    }

    static func ingester(_ dir: String) async throws -> CloudTrailIngester {
        let service = LogsService(store: try SQLiteLogStore(path: dir + "/vigil.db"))
        return CloudTrailIngester(service: service)
    }

    static func messages(_ ingester: CloudTrailIngester, group: String = CloudTrailIngester.defaultGroup) async throws
        -> [String]
    {
        try await ingester.service.filterLogEvents(group: group).events.map {
            String(decoding: $0.message, as: UTF8.self)
        }
    }

    @Test(
        "a record that cannot be a log event is skipped and counted by reason; its neighbours are ingested",
        arguments: [
            ("before 1970", Self.record("1969-12-31T23:59:59Z", "Old"), "with an eventTime before 1970"),
            (
                "no eventTime", #"{"eventName":"NoTime","awsRegion":"us-east-1"}"#,
                "without an eventTime in ISO 8601 UTC"
            ),
            (
                "an eventTime that is not a time", Self.record("2025-02-30T00:00:00Z", "Feb30"),
                "without an eventTime in ISO 8601 UTC"
            ),
            ("oversize", "", "over 256 KB"),
        ])
    func skipsBadRecords(_ label: String, _ given: String, _ reason: String) async throws {
        // The oversize record is built here, so that the test's log does not print 256 KB of it.
        let bad = given.isEmpty ? Self.record("2025-11-24T10:00:01Z", "Big", padding: 262_144) : given
        let dir = try Self.temporaryDirectory()
        let good = [Self.record("2025-11-24T10:00:00Z", "First"), Self.record("2025-11-24T10:00:02Z", "Last")]
        let path = dir + "/123456789012_CloudTrail_us-east-1_20251124T1000Z_x.json"
        await try Self.write(Self.logFile([good[0], bad, good[1]]), to: path, gzip: false)
        let ingester = try await Self.ingester(dir)
        var problems: [String] = []
        let summary = try await ingester.ingest(paths: [path], report: { problems.append($0) })
        #expect(summary.events == 2 && summary.files == 1 && summary.filesFailed == 0, "\(label)")
        #expect(
            summary.beforeEpochSkipped + summary.untimedSkipped + summary.oversizeSkipped + summary.notUTF8Skipped == 1)
        #expect(problems == ["\(path): 1 record \(reason) skipped (the first is record 2)"])
        #expect(try await Self.messages(ingester) == good)
        // Done: a rerun finds nothing new and says nothing.
        problems = []
        let again = try await ingester.ingest(paths: [path], report: { problems.append($0) })
        #expect(again.filesAlreadyIngested == 1 && again.events == 0 && problems.isEmpty)
    }

    @Test("a record holding bytes that are not UTF-8 (in a value or a member name) is skipped and counted, not altered")
    func skipsRecordsNotUTF8() async throws {
        let dir = try Self.temporaryDirectory()
        let good = [Self.record("2025-11-24T10:00:00Z", "First"), Self.record("2025-11-24T10:00:02Z", "Last")]
        var bytes =
            Array(#"{"Records":["#.utf8) + Array(good[0].utf8) + Array(#",{"eventTime":"2025-11-24T10:00:01Z","#.utf8)
        bytes += Array(#""userName":"a"#.utf8) + [0xC3, 0x28] + Array(#"",""#.utf8) + [0xFF] + Array(#"":1}"#.utf8)
        bytes +=
            Array(",".utf8) + Array(#"{"eventTime":"2025-11-24T10:00:01Z","eventName":""#.utf8) + [0xED, 0xA0, 0x80]
        bytes += Array(#""},"#.utf8) + Array(good[1].utf8) + Array("]}".utf8)
        let path = dir + "/123456789012_CloudTrail_us-east-1_20251124T1000Z_u.json.gz"
        await try Self.write(bytes, to: path, gzip: true)
        let ingester = try await Self.ingester(dir)
        var problems: [String] = []
        let summary = try await ingester.ingest(paths: [path], report: { problems.append($0) })
        #expect(summary.events == 2 && summary.notUTF8Skipped == 2 && summary.filesFailed == 0)
        #expect(problems == ["\(path): 2 records holding bytes that are not UTF-8 skipped (the first is record 2)"])
        #expect(try await Self.messages(ingester) == good)
    }

    @Test("a file is known by the SHA-256 of its bytes (as sha256sum computes it) per log group")
    func knownBySHA256() async throws {
        let dir = try Self.temporaryDirectory()
        let path = dir + "/123456789012_CloudTrail_us-east-1_20251124T1000Z_h.json.gz"
        let records = [Self.record("2025-11-24T10:00:00Z", "A"), Self.record("2025-11-24T10:00:01Z", "B")]
        await try Self.write(Self.logFile(records), to: path, gzip: true)
        let ingester = try await Self.ingester(dir)
        _ = try await ingester.ingest(paths: [path])
        let digest = try await Self.sha256(path)
        #expect(digest.count == 64)
        let row = try await ingester.service.store.offset(
            source: "cloudtrail:CloudTrail/DefaultLogGroup:sha256:" + digest)
        #expect(row?.offset == 2 && row?.identity == "records=2;file=" + (path as NSString).lastPathComponent)

        // The same file into another group is another file there.
        let other = CloudTrailIngester(service: ingester.service, group: "audit")
        let second = try await other.ingest(paths: [path])
        #expect(second.events == 2 && second.filesAlreadyIngested == 0)
        #expect(try await Self.messages(other, group: "audit") == records)
    }

    @Test("a finished file is recognised without decompressing it again")
    func recognisedBeforeDecompressing() async throws {
        let dir = try Self.temporaryDirectory()
        let path = dir + "/123456789012_CloudTrail_us-east-1_20251124T1000Z_d.json.gz"
        await try Self.write(Self.logFile([Self.record("2025-11-24T10:00:00Z", "A")]), to: path, gzip: true)
        var ingester = try await Self.ingester(dir)
        #expect(try await ingester.ingest(paths: [path]).events == 1)
        // With no room to inflate anything, a run that decompressed the file would refuse it.
        ingester.maximumInflatedBytes = 1
        var problems: [String] = []
        let again = try await ingester.ingest(paths: [path], report: { problems.append($0) })
        #expect(again.filesAlreadyIngested == 1 && again.filesFailed == 0 && problems.isEmpty, "\(problems)")
        // A file not yet ingested is decompressed (and here refused), so the check above can fail.
        let fresh = dir + "/123456789012_CloudTrail_us-east-1_20251124T1000Z_e.json.gz"
        await try Self.write(Self.logFile([Self.record("2025-11-24T10:00:05Z", "B")]), to: fresh, gzip: true)
        let refused = try await ingester.ingest(paths: [fresh], report: { problems.append($0) })
        #expect(refused.filesFailed == 1 && problems.count == 1 && problems[0].contains("gzip bomb"), "\(problems)")
    }

    @Test("progress recorded under the former FNV fingerprint still marks its file as ingested")
    func legacyFingerprint() async throws {
        let dir = try Self.temporaryDirectory()
        let path = dir + "/123456789012_CloudTrail_us-east-1_20251124T1000Z_l.json"
        let bytes = Self.logFile([Self.record("2025-11-24T10:00:00Z", "A"), Self.record("2025-11-24T10:00:01Z", "B")])
        await try Self.write(bytes, to: path, gzip: false)
        let ingester = try await Self.ingester(dir)
        try await ingester.service.createLogGroup(CloudTrailIngester.defaultGroup)
        try await ingester.service.store.record(
            IngestOffset(source: "cloudtrail:" + CloudTrailIngester.fingerprint(bytes), identity: "l.json", offset: 2))
        let summary = try await ingester.ingest(paths: [path])
        #expect(summary.filesAlreadyIngested == 1 && summary.events == 0)
    }

    /// A large file is split in linear time with memory proportional to it: 1, 10 and 100 MB of records.
    @Test("log files of 1, 10 and 100 MB split into every record", arguments: [1, 10, 100])
    func largeFiles(megabytes: Int) throws {
        let record = Array(Self.record("2025-11-24T10:00:00Z", "GetObject", padding: 900).utf8)
        let count = megabytes * 1_000_000 / (record.count + 1)
        var bytes = Array(#"{"Records":["#.utf8)
        bytes.reserveCapacity(count * (record.count + 1) + 16)
        for k in 0..<count {
            if k > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += record
        }
        bytes += Array("]}".utf8)
        let file = try CloudTrailLogFile(bytes: bytes)
        #expect(file.records.count == count)
        #expect(file.records.allSatisfy { $0.range.count == record.count && $0.eventTime == 1_763_978_400_000 })
        #expect(file.records.last.map { Array(bytes[$0.range]) } == record)
    }
}
