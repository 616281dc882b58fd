import VigilAlarms
import VigilMetrics
import VigilPatterns

/// JSON text written straight into bytes: the alarm messages of a busy tick (thousands of
/// notifications, history items and StateReasonData) are built with it rather than by joining Strings.
struct JSONBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    /// Text written as it is (punctuation, keys, JSON already made).
    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// A string literal.
    mutating func string(_ s: String) { JSONString.append(s, quotedTo: &bytes) }

    /// A string literal, or null.
    mutating func string(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    /// A number as CloudWatch writes values: integral ones with `.0` (`4.0`).
    mutating func number(_ v: Double) {
        if v == v.rounded() && abs(v) < 1e15 {
            integer(Int64(v))
            raw(".0")
        } else {
            raw(AlarmEvaluator.format(v))
        }
    }

    mutating func integer<I: BinaryInteger>(_ v: I) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = v.magnitude
        let at = bytes.count
        repeat {
            bytes.append(UInt8(48 + Int(magnitude % 10)))
            magnitude /= 10
        } while magnitude > 0
        bytes[at...].reverse()
    }

    /// `[…]`, each element written by `element`, commas between.
    mutating func array<S: Sequence>(_ items: S, _ element: (inout JSONBuffer, S.Element) -> Void) {
        raw("[")
        var first = true
        for item in items {
            if !first { raw(",") }
            first = false
            element(&self, item)
        }
        raw("]")
    }

    /// A time as `"2019-05-24T21:19:27.553+0000"`.
    mutating func timestamp(_ ms: Int64) {
        bytes.append(UInt8(ascii: "\""))
        UTCDateText.iso(ms, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
