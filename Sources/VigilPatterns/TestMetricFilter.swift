/// The TestMetricFilter operation: which of up to 50 messages a pattern matches, and what it extracts.
///
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TestMetricFilter.html
public enum TestMetricFilter {
    /// At most this many messages per request.
    public static let maximumMessages = 50

    /// One matched event (MetricFilterMatchRecord).
    public struct Match: Sendable, Equatable {
        public var eventNumber: Int
        public var eventMessage: String
        public var extractedValues: [String: String]
        /// `extractedValues` in the order the fields appear in the event.
        public var orderedExtractedValues: [(key: String, value: String)]

        public static func == (a: Match, b: Match) -> Bool {
            a.eventNumber == b.eventNumber && a.eventMessage == b.eventMessage && a.extractedValues == b.extractedValues
        }
    }

    /// Runs the operation. Event numbers count from 1, in request order.
    public static func run(filterPattern: String, logEventMessages: [String]) throws(FilterPatternError) -> [Match] {
        guard !logEventMessages.isEmpty, logEventMessages.count <= maximumMessages else {
            throw FilterPatternError(
                id: "message-count", offset: 0,
                message:
                    "logEventMessages must hold 1 to \(maximumMessages) messages; \(logEventMessages.count) were given")
        }
        if let empty = logEventMessages.firstIndex(where: \.isEmpty) {
            throw FilterPatternError(
                id: "empty-message", offset: 0,
                message: "log event message \(empty + 1) is empty; messages must be at least 1 character")
        }
        let pattern = try FilterPattern(filterPattern)
        var matches: [Match] = []
        for (index, message) in logEventMessages.enumerated() {
            var copy = message
            let result = copy.withUTF8 { pattern.evaluate($0) }
            guard let result else { continue }
            let ordered = result.extractedValues
            matches.append(
                Match(
                    eventNumber: index + 1, eventMessage: message,
                    extractedValues: Dictionary(ordered, uniquingKeysWith: { a, _ in a }),
                    orderedExtractedValues: ordered))
        }
        return matches
    }
}

/// JSON string quoting as Python's `json.dumps(ensure_ascii=False)` does it (what the `aws` CLI prints).
public enum JSONString {
    /// `s` as a JSON string literal. Works on the UTF-8 bytes: a string with nothing to escape (the
    /// usual case) is copied whole; alarm ticks quote every field of every message they write.
    public static func quote(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes in
            guard bytes.contains(where: needsEscape) else {
                return String(unsafeUninitializedCapacity: bytes.count + 2) { out in
                    out[0] = UInt8(ascii: "\"")
                    _ = UnsafeMutableBufferPointer(rebasing: out[1...]).initialize(from: bytes)
                    out[bytes.count + 1] = UInt8(ascii: "\"")
                    return bytes.count + 2
                }
            }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            append(bytes, quotedTo: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Appends `s` as a JSON string literal to `out`.
    public static func append(_ s: String, quotedTo out: inout [UInt8]) {
        var s = s
        s.withUTF8 { append($0, quotedTo: &out) }
    }

    /// Appends a message's bytes as a JSON string literal to `out`; bytes that are not UTF-8 become U+FFFD,
    /// as they do wherever Vigil returns a message as text.
    public static func append(message bytes: [UInt8], quotedTo out: inout [UInt8]) {
        if String(validating: bytes, as: UTF8.self) != nil {
            bytes.withUnsafeBufferPointer { append($0, quotedTo: &out) }
        } else {
            append(String(decoding: bytes, as: UTF8.self), quotedTo: &out)
        }
    }

    static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") }

    /// Copies runs of plain bytes whole and escapes the rest.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, quotedTo out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var run = 0
        for i in 0..<bytes.count where needsEscape(bytes[i]) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
            run = i + 1
            let b = bytes[i]
            out.append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
            case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            default:
                let hex: StaticString = "0123456789abcdef"
                out.append(UInt8(ascii: "u"))
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "0"))
                out.append(hex.utf8Start[Int(b >> 4)])
                out.append(hex.utf8Start[Int(b & 15)])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        out.append(UInt8(ascii: "\""))
    }
}
