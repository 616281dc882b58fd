import VigilMetrics
import VigilPatterns

/// One CloudTrail log file as CloudTrail delivers it to S3 — `{"Records":[{…},{…}]}` — split into its
/// records, each kept byte for byte as a future log event.
///
/// The file is read once by the project's strict JSON reader (a malformed file is refused with the
/// line, column and byte offset of the problem). Of each record only `eventTime`, `recipientAccountId` and `awsRegion`
/// are read: the event's timestamp and, when the file name does not say, its log stream. Bytes that are
/// not UTF-8 inside a record do not refuse the file: the record says so (``Record/isUTF8``), and ingest
/// skips it and counts it, keeping its neighbours.
public struct CloudTrailLogFile: Sendable {
    /// One record: where it sits in ``bytes`` and the fields ingest needs.
    public struct Record: Sendable, Equatable {
        public let range: Range<Int>
        /// `eventTime` in milliseconds since the epoch; nil when absent or not an ISO 8601 UTC time.
        public let eventTime: Int64?
        public let account: String?
        public let region: String?
        /// Whether the record's strings are all UTF-8 (a record that is not is not a log event).
        public let isUTF8: Bool

        public init(range: Range<Int>, eventTime: Int64?, account: String?, region: String?, isUTF8: Bool = true) {
            self.range = range
            self.eventTime = eventTime
            self.account = account
            self.region = region
            self.isUTF8 = isUTF8
        }
    }

    /// Why a file is not a CloudTrail log file.
    public struct FormatError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public let bytes: [UInt8]
    public let records: [Record]

    /// Splits the (decompressed) contents of a log file.
    public init(bytes: [UInt8]) throws(FormatError) {
        self.bytes = bytes
        let found: [Record]?
        do { found = try bytes.withUnsafeBufferPointer { (p) throws(JSONSyntaxError) in try Self.read(p) } } catch {
            throw FormatError(description: error.description)
        }
        guard let found else { throw FormatError(description: "no \"Records\" array: not a CloudTrail log file") }
        self.records = found
    }

    /// Reads the file's one object with the project's strict reader (``JSONReader``); the records of
    /// its `"Records"` member (which may appear once) with the three fields ingest needs.
    static func read(_ p: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> [Record]? {
        var r = JSONReader(p)
        // Checked per record instead, so that one bad record does not refuse its neighbours.
        r.checksStringUTF8 = false
        var records: [Record]?
        var top = try r.beginObject()
        while let key = try r.nextKey(&top) {
            guard key == "Records" else {
                try r.skipValue()
                continue
            }
            var list: [Record] = []
            var array = try r.beginArray()
            while try r.nextElement(&array) { list.append(try record(&r)) }
            records = list
        }
        try r.end()
        return records
    }

    /// One record, kept as its byte range; of its members only `eventTime`, `recipientAccountId` and
    /// `awsRegion` are decoded (when they are strings), every other one is checked and skipped.
    static func record(_ r: inout JSONReader) throws(JSONSyntaxError) -> Record {
        _ = try r.peek()
        let start = r.offset
        var time: Int64?
        var account: String?
        var region: String?
        var o = try r.beginObject(uniqueKeys: false)
        while let key = try r.nextKeyBody(&o) {
            let field: Int? =
                key.escaped
                ? nil
                : r.bytes(key.range, equal: "eventTime")
                    ? 0
                    : r.bytes(key.range, equal: "recipientAccountId")
                        ? 1 : r.bytes(key.range, equal: "awsRegion") ? 2 : nil
            guard let field, try r.peek() == .string else {
                try r.skipValue()
                continue
            }
            let body = try r.readStringBody()
            guard let value = r.string(body: body.range, escaped: body.escaped) else { continue }
            switch field {
            case 0: time = UTCDateText.parse(value)
            case 1: account = value
            default: region = value
            }
        }
        let range = start..<r.offset
        return Record(range: range, eventTime: time, account: account, region: region, isUTF8: r.isUTF8(range))
    }

    /// The stream CloudTrail would deliver this file's events to, `ACCOUNT_CloudTrail_REGION`, from a
    /// log file name (`123456789012_CloudTrail_us-east-1_20251125T0000Z_abc.json.gz`); nil for other names.
    public static func streamName(fileName: String) -> String? {
        let parts = fileName.split(separator: "_", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[1] == "CloudTrail", parts[0].count == 12, parts[0].allSatisfy(\.isNumber),
            !parts[2].isEmpty, parts[2].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" })
        else { return nil }
        return "\(parts[0])_CloudTrail_\(parts[2])"
    }
}
