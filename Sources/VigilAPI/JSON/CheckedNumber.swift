/// The one conversion from JSON number text to the number a field holds, checked: a value that is
/// not whole where a whole number is needed, or does not fit the field's type, is an
/// ``APIInputError`` naming the field, never a trap and never a silent rounding.
///
/// Integers are converted from the decimal text exactly (`3e2` and `300.0` are 300; `1e20` does not
/// fit an `Int32` or an `Int64`; `9007199254740993` stays itself), without passing through `Double`.
public enum CheckedNumber {
    /// `text` (RFC 8259 number syntax) as an integer of type `I`.
    public static func integer<I: FixedWidthInteger & SignedInteger>(
        _ text: String, as type: I.Type, path: [APIInputError.PathElement]
    ) throws(APIInputError) -> I {
        let range = "\(I.min) to \(I.max)"
        guard let parts = Parts(text) else { throw APIInputError(path: path, .invalid("'\(text)' is not a number")) }
        // The significant digits, without leading zeros, then without trailing zeros (moved into the exponent).
        var digits = parts.digits.drop { $0 == 0 }
        var exponent = parts.exponent
        while let last = digits.last, last == 0 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty { return 0 }
        guard exponent >= 0 else { throw APIInputError(path: path, .notWhole(text: text)) }
        // More digits than any 64-bit integer has: out of range without computing it.
        guard digits.count + exponent <= 20 else {
            throw APIInputError(path: path, .outOfRange(text: text, range: range))
        }
        var value: I = 0
        for d in digits + Array(repeating: 0, count: exponent) {
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) =
                parts.negative ? shifted.subtractingReportingOverflow(I(d)) : shifted.addingReportingOverflow(I(d))
            guard !o1, !o2 else { throw APIInputError(path: path, .outOfRange(text: text, range: range)) }
            value = next
        }
        return value
    }

    /// `text` as a finite `Double` (the nearest one; a value beyond ±1.8e308 is out of range).
    public static func double(_ text: String, path: [APIInputError.PathElement]) throws(APIInputError) -> Double {
        guard let v = Double(text) else { throw APIInputError(path: path, .invalid("'\(text)' is not a number")) }
        guard v.isFinite else {
            throw APIInputError(path: path, .outOfRange(text: text, range: "a finite double, at most ±1.8e308"))
        }
        return v
    }

    /// A number's sign, decimal digits (integer and fraction parts together) and the power of ten to
    /// apply to them.
    struct Parts {
        var negative = false
        var digits: [UInt8] = []
        var exponent = 0

        init?(_ text: String) {
            var bytes = Array(text.utf8)[...]
            if bytes.first == UInt8(ascii: "-") {
                negative = true
                bytes = bytes.dropFirst()
            }
            var fraction = 0
            var seenDot = false
            while let c = bytes.first, c != UInt8(ascii: "e"), c != UInt8(ascii: "E") {
                bytes = bytes.dropFirst()
                if c == UInt8(ascii: ".") {
                    guard !seenDot else { return nil }
                    seenDot = true
                    continue
                }
                guard c >= 48, c <= 57 else { return nil }
                digits.append(c - 48)
                if seenDot { fraction += 1 }
            }
            guard !digits.isEmpty else { return nil }
            var written = 0
            if !bytes.isEmpty {
                bytes = bytes.dropFirst()
                var negativeExponent = false
                if let c = bytes.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                    negativeExponent = c == UInt8(ascii: "-")
                    bytes = bytes.dropFirst()
                }
                guard !bytes.isEmpty else { return nil }
                for c in bytes {
                    guard c >= 48, c <= 57 else { return nil }
                    // Exponents beyond a million mean out of range (or zero) either way; stop counting.
                    if written < 1_000_000 { written = written * 10 + Int(c - 48) }
                }
                if negativeExponent { written = -written }
            }
            exponent = written - fraction
        }
    }
}
