import VigilMetrics

/// One CloudTrail log file as CloudTrail delivers it to S3 — `{"Records":[{…},{…}]}` — split into its
/// records, each kept byte for byte as a future log event.
///
/// The file is walked once and its JSON structure validated (a malformed file is refused with the
/// byte offset of the problem). Of each record only `eventTime`, `recipientAccountId` and `awsRegion`
/// are read: the event's timestamp and, when the file name does not say, its log stream.
public struct CloudTrailLogFile: Sendable {
    /// One record: where it sits in ``bytes`` and the fields ingest needs.
    public struct Record: Sendable, Equatable {
        public let range: Range<Int>
        /// `eventTime` in milliseconds since the epoch; nil when absent or not an ISO 8601 UTC time.
        public let eventTime: Int64?
        public let account: String?
        public let region: String?
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
        var records: [Record] = []
        var failure: FormatError?
        bytes.withUnsafeBufferPointer { p in
            var walker = Walker(p: p)
            do { records = try walker.file() } catch { failure = error as? FormatError }
        }
        if let failure { throw failure }
        self.records = records
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

    /// A validating walk over the file's JSON that keeps only what ingest needs.
    struct Walker {
        let p: UnsafeBufferPointer<UInt8>
        var i = 0
        static let maximumDepth = 512

        func fail(_ what: String) -> FormatError {
            FormatError(description: i < p.count ? "\(what) at byte \(i)" : "\(what) at the end of the file")
        }

        mutating func space() {
            while i < p.count, p[i] == 32 || p[i] == 10 || p[i] == 13 || p[i] == 9 { i += 1 }
        }

        mutating func expect(_ c: UInt8) throws(FormatError) {
            space()
            guard i < p.count, p[i] == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
            i += 1
        }

        mutating func file() throws(FormatError) -> [Record] {
            try expect(UInt8(ascii: "{"))
            var records: [Record]?
            space()
            if i < p.count, p[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    let key = try string()
                    try expect(UInt8(ascii: ":"))
                    space()
                    if key.escaped == false, p[key.range].elementsEqual("Records".utf8) {
                        records = try recordArray()
                    } else {
                        try skip(depth: 1)
                    }
                    space()
                    guard i < p.count else { throw fail("expected ',' or '}'") }
                    if p[i] == UInt8(ascii: ",") {
                        i += 1
                        space()
                        continue
                    }
                    guard p[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                    i += 1
                    break
                }
            }
            space()
            guard i == p.count else { throw fail("unexpected data after the JSON object") }
            guard let records else { throw FormatError(description: "no \"Records\" array: not a CloudTrail log file") }
            return records
        }

        mutating func recordArray() throws(FormatError) -> [Record] {
            guard i < p.count, p[i] == UInt8(ascii: "[") else { throw fail("expected '[' after \"Records\"") }
            i += 1
            space()
            var records: [Record] = []
            if i < p.count, p[i] == UInt8(ascii: "]") {
                i += 1
                return records
            }
            while true {
                space()
                records.append(try record())
                space()
                guard i < p.count else { throw fail("expected ',' or ']'") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard p[i] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                i += 1
                return records
            }
        }

        mutating func record() throws(FormatError) -> Record {
            let start = i
            guard i < p.count, p[i] == UInt8(ascii: "{") else { throw fail("expected a record object") }
            i += 1
            var time: Int64?
            var account: String?
            var region: String?
            space()
            if i < p.count, p[i] == UInt8(ascii: "}") {
                i += 1
                return Record(range: start..<i, eventTime: nil, account: nil, region: nil)
            }
            while true {
                space()
                let key = try string()
                try expect(UInt8(ascii: ":"))
                space()
                let name =
                    key.escaped ? "" : String(decoding: UnsafeBufferPointer(rebasing: p[key.range]), as: UTF8.self)
                if ["eventTime", "recipientAccountId", "awsRegion"].contains(name), i < p.count,
                    p[i] == UInt8(ascii: "\"")
                {
                    let value = try string()
                    let text = UnsafeBufferPointer(rebasing: p[value.range])
                    switch name {
                    case "eventTime": time = UTCDateText.parse(text)
                    case "recipientAccountId": account = String(decoding: text, as: UTF8.self)
                    default: region = String(decoding: text, as: UTF8.self)
                    }
                } else {
                    try skip(depth: 2)
                }
                space()
                guard i < p.count else { throw fail("expected ',' or '}'") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard p[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                i += 1
                return Record(range: start..<i, eventTime: time, account: account, region: region)
            }
        }

        /// A string at `i` (which must be its opening quote); returns its body's range.
        mutating func string() throws(FormatError) -> (range: Range<Int>, escaped: Bool) {
            space()
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw fail("expected a string") }
            i += 1
            let start = i
            var escaped = false
            while i < p.count {
                let c = p[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return (start..<i - 1, escaped)
                }
                if c < 0x20 { throw fail("control character in a string") }
                if c == UInt8(ascii: "\\") {
                    escaped = true
                    i += 2
                    continue
                }
                i += 1
            }
            throw fail("unterminated string")
        }

        /// Validates and skips one value.
        mutating func skip(depth: Int) throws(FormatError) {
            space()
            guard depth < Self.maximumDepth else { throw fail("nested too deeply") }
            guard i < p.count else { throw fail("expected a value") }
            switch p[i] {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = p[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let isObject = close == UInt8(ascii: "}")
                i += 1
                space()
                if i < p.count, p[i] == close {
                    i += 1
                    return
                }
                while true {
                    if isObject {
                        _ = try string()
                        try expect(UInt8(ascii: ":"))
                    }
                    try skip(depth: depth + 1)
                    space()
                    guard i < p.count else { throw fail("unterminated \(isObject ? "object" : "array")") }
                    if p[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    guard p[i] == close else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
                    i += 1
                    return
                }
            case UInt8(ascii: "t"): try word("true")
            case UInt8(ascii: "f"): try word("false")
            case UInt8(ascii: "n"): try word("null")
            default:
                let start = i
                while i < p.count,
                    (p[i] >= 48 && p[i] <= 57) || p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")
                        || p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")
                { i += 1 }
                guard i > start else { throw fail("expected a value") }
            }
        }

        mutating func word(_ w: String) throws(FormatError) {
            let bytes = Array(w.utf8)
            guard i + bytes.count <= p.count, p[i..<i + bytes.count].elementsEqual(bytes) else {
                throw fail("expected '\(w)'")
            }
            i += bytes.count
        }
    }
}
