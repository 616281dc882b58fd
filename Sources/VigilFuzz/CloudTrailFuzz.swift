import VigilPatterns
import VigilService

/// A CloudTrail log file split into records.
///
/// Properties: records lie inside the file, in order, without overlapping; each begins with `{` and
/// ends with `}`; a record said to be UTF-8 reads as one JSON value on its own.
enum CloudTrailFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let file = try? CloudTrailLogFile(bytes: bytes) else { return }
        var end = 0
        for record in file.records {
            precondition(
                record.range.lowerBound >= end && record.range.upperBound <= bytes.count, "a record out of place")
            precondition(record.range.count >= 2, "a record shorter than {}")
            precondition(bytes[record.range.lowerBound] == UInt8(ascii: "{"), "a record not starting with {")
            precondition(bytes[record.range.upperBound - 1] == UInt8(ascii: "}"), "a record not ending with }")
            if record.isUTF8 {
                let alone = Array(bytes[record.range])
                let reads = alone.withUnsafeBufferPointer { p in
                    var r = JSONReader(p)
                    return (try? r.skipValue()) != nil && (try? r.end()) != nil
                }
                precondition(reads, "a UTF-8 record does not read as one JSON value")
            }
            end = record.range.upperBound
        }
    }
}
