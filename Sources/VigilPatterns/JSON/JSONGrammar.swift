/// RFC 8259's lexical grammar over bytes: numbers, string bodies and the three literals.
///
/// The one definition of what JSON text is in Vigil. ``JSONScanner`` (filter patterns over log events,
/// the hot path) and ``JSONReader`` (API input, CloudTrail log files) both step through text with these
/// functions, so an event that matches a pattern and a request that decodes agree on the grammar.
/// https://www.rfc-editor.org/rfc/rfc8259
enum JSONGrammar {
    /// Steps `i` over a number (`-? int frac? exp?`, no leading zeros); false when there is none.
    @inline(__always) static func number(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) -> Bool {
        if i < n && p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { return false }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            guard p[i] >= 49 && p[i] <= 57 else { return false }
            while i < n && p[i] >= 48 && p[i] <= 57 { i += 1 }
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            let s = i
            while i < n && p[i] >= 48 && p[i] <= 57 { i += 1 }
            guard i > s else { return false }
        }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            let s = i
            while i < n && p[i] >= 48 && p[i] <= 57 { i += 1 }
            guard i > s else { return false }
        }
        return true
    }

    /// Steps `i` (just after an opening quote) past the closing quote. Returns whether the body has
    /// escapes, or nil when it is not a valid string body (a control byte, a bad escape, no end).
    /// Bytes of 0x80 and above are passed over; whether they are UTF-8 is the caller's question.
    @inline(__always) static func stringBody(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) -> Bool? {
        var escaped = false
        var j = i  // a local index keeps the loop in registers
        defer { i = j }
        let quote = SIMD16<UInt8>(repeating: UInt8(ascii: "\""))
        let backslash = SIMD16<UInt8>(repeating: UInt8(ascii: "\\"))
        let control = SIMD16<UInt8>(repeating: 0x20)
        while true {
            // Jump 16 bytes at a time, then straight to the first quote, backslash or control byte.
            while j + 16 <= n {
                let block = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<UInt8>.self)
                let special = (block .== quote) .| (block .== backslash) .| (block .< control)
                if ByteSearch.hasLane(special) {
                    j += ByteSearch.firstLane(special)
                    break
                }
                j += 16
            }
            guard j < n else { return nil }
            let c = p[j]
            if c == UInt8(ascii: "\"") {
                j += 1
                return escaped
            }
            if c < 0x20 { return nil }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard j + 1 < n else { return nil }
                switch p[j + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    j += 2
                case UInt8(ascii: "u"):
                    guard j + 6 <= n else { return nil }
                    for k in 2..<6 where JSONText.hexValue(p[j + k]) == nil { return nil }
                    j += 6
                default:
                    return nil
                }
                continue
            }
            j += 1
        }
    }

    /// Steps `i` over `word` (`true`, `false`, `null`) when the text at `i` is exactly it.
    @inline(__always) static func literal(_ word: StaticString, _ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int)
        -> Bool
    {
        let len = word.utf8CodeUnitCount
        guard i + len <= n else { return false }
        let w = word.utf8Start
        for k in 0..<len where p[i + k] != w[k] { return false }
        i += len
        return true
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 10 || c == 13 || c == 9 }
}
