/// A strict pull reader of JSON text (RFC 8259) over bytes: API requests, `--cli-input-json` files,
/// CloudTrail log files.
///
/// Stricter than the RFC requires where a lenient reading would be a guess: strings must be UTF-8
/// (an invalid byte is refused, not replaced), a `\u` escape must not leave half of a surrogate pair,
/// an object must not name a member twice (which of two values would count?), and values nest at
/// most ``defaultMaximumDepth`` deep. Every error carries its position. The grammar is
/// ``JSONGrammar``'s, the same that filter patterns read log events with.
///
/// The reader borrows the buffer: use it only while the buffer is alive.
///
/// ```swift
/// try bytes.withUnsafeBufferPointer { p in
///     var r = JSONReader(p)
///     var object = try r.beginObject()
///     while let key = try r.nextKey(&object) {
///         if key == "Records" { … } else { try r.skipValue() }
///     }
///     try r.end()
/// }
/// ```
public struct JSONReader {
    /// How deep values may nest by default: far beyond any API request, and bounded so that hostile
    /// input cannot exhaust the stack.
    public static let defaultMaximumDepth = 512

    let text: UnsafeBufferPointer<UInt8>
    let p: UnsafePointer<UInt8>
    let n: Int
    /// The offset of the next byte to read.
    public private(set) var offset = 0
    /// Whether every string read or skipped must be UTF-8 (the default). A reader that checks whole
    /// values itself, to skip one bad value and keep its neighbours, turns it off; ``readString()``
    /// still never returns text that is not UTF-8.
    public var checksStringUTF8 = true

    /// The kinds of value, as the first byte of one tells them.
    public enum Kind: Sendable {
        case object, array, string, number, bool, null
    }

    /// Where an object being read stands; ``nextKey(_:)`` advances it.
    public struct ObjectCursor {
        var first = true
        /// The keys read so far, to refuse a repeated one (only when asked for).
        var keys: Set<String>?
    }

    /// Where an array being read stands; ``nextElement(_:)`` advances it.
    public struct ArrayCursor {
        var first = true
        /// The index of the element ``nextElement(_:)`` stands before.
        public internal(set) var index = -1
    }

    public init(_ text: UnsafeBufferPointer<UInt8>) {
        self.text = text
        self.p = text.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.n = text.count
    }

    func fail(_ message: String, at position: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(message, at: position ?? offset, in: text)
    }

    mutating func skipSpace() {
        while offset < n && JSONGrammar.isSpace(p[offset]) { offset += 1 }
    }

    /// What the next value is (after whitespace), without reading it.
    public mutating func peek() throws(JSONSyntaxError) -> Kind {
        skipSpace()
        guard offset < n else { throw fail("expected a value, found the end of the text") }
        switch p[offset] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw fail("expected a value, found \(Self.describe(p[offset]))")
        }
    }

    static func describe(_ c: UInt8) -> String {
        c >= 0x21 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16, uppercase: true))"
    }

    mutating func expect(_ c: UInt8, _ context: String) throws(JSONSyntaxError) {
        skipSpace()
        guard offset < n, p[offset] == c else {
            let found = offset < n ? Self.describe(p[offset]) : "the end of the text"
            throw fail("expected '\(Character(Unicode.Scalar(c)))' \(context), found \(found)")
        }
        offset += 1
    }

    // MARK: objects and arrays

    /// Reads `{`; then ``nextKey(_:)`` reads the members. With `uniqueKeys`, a repeated member name is refused.
    public mutating func beginObject(uniqueKeys: Bool = true) throws(JSONSyntaxError) -> ObjectCursor {
        try expect(UInt8(ascii: "{"), "to begin an object")
        return ObjectCursor(keys: uniqueKeys ? [] : nil)
    }

    /// The next member's name, leaving the reader before its value (which must be read or skipped);
    /// nil after the closing `}`.
    public mutating func nextKey(_ cursor: inout ObjectCursor) throws(JSONSyntaxError) -> String? {
        guard let at = try nextKeyStart(&cursor) else { return nil }
        let key = try readString()
        if cursor.keys != nil, cursor.keys?.insert(key).inserted == false {
            throw fail("the member name \"\(key)\" appears more than once in this object", at: at)
        }
        try expect(UInt8(ascii: ":"), "after the member name \"\(key)\"")
        return key
    }

    /// Steps over `,` (or reads the closing `}`), leaving the reader at the next member's opening
    /// quote, whose offset it returns; nil after the closing `}`.
    mutating func nextKeyStart(_ cursor: inout ObjectCursor) throws(JSONSyntaxError) -> Int? {
        skipSpace()
        guard offset < n else {
            throw fail(
                cursor.first
                    ? "expected a member name or '}', found the end of the text"
                    : "expected ',' or '}' after a member, found the end of the text")
        }
        if cursor.first {
            cursor.first = false
            if p[offset] == UInt8(ascii: "}") {
                offset += 1
                return nil
            }
        } else {
            if p[offset] == UInt8(ascii: "}") {
                offset += 1
                return nil
            }
            guard p[offset] == UInt8(ascii: ",") else {
                throw fail("expected ',' or '}' after a member, found \(Self.describe(p[offset]))")
            }
            offset += 1
            skipSpace()
        }
        guard offset < n, p[offset] == UInt8(ascii: "\"") else {
            let found = offset < n ? Self.describe(p[offset]) : "the end of the text"
            throw fail("expected a member name in double quotes, found \(found)")
        }
        return offset
    }

    /// The next member's name as it is written (between its quotes, escapes not decoded), leaving the
    /// reader before its value; nil after the closing `}`. For readers that look for a few known names
    /// among many and should not decode every one (a CloudTrail record has about 45).
    public mutating func nextKeyBody(_ cursor: inout ObjectCursor) throws(JSONSyntaxError) -> (
        range: Range<Int>, escaped: Bool
    )? {
        guard try nextKeyStart(&cursor) != nil else { return nil }
        let body = try readStringBody()
        try expect(UInt8(ascii: ":"), "after a member name")
        return body
    }

    /// Whether the bytes in `range` are exactly `text` (for comparing a key body with a known name).
    public func bytes(_ range: Range<Int>, equal text: StaticString) -> Bool {
        guard range.lowerBound >= 0, range.upperBound <= n, range.count == text.utf8CodeUnitCount else { return false }
        let t = text.utf8Start
        for k in 0..<range.count where p[range.lowerBound + k] != t[k] { return false }
        return true
    }

    /// Reads `[`; then ``nextElement(_:)`` steps through the elements.
    public mutating func beginArray() throws(JSONSyntaxError) -> ArrayCursor {
        try expect(UInt8(ascii: "["), "to begin a list")
        return ArrayCursor()
    }

    /// Whether another element follows (the reader then stands before it, to be read or skipped);
    /// false after the closing `]`.
    public mutating func nextElement(_ cursor: inout ArrayCursor) throws(JSONSyntaxError) -> Bool {
        skipSpace()
        guard offset < n else {
            throw fail(
                cursor.first
                    ? "expected a value or ']', found the end of the text"
                    : "expected ',' or ']' after a list element, found the end of the text")
        }
        if p[offset] == UInt8(ascii: "]") {
            offset += 1
            return false
        }
        if cursor.first {
            cursor.first = false
        } else {
            guard p[offset] == UInt8(ascii: ",") else {
                throw fail("expected ',' or ']' after a list element, found \(Self.describe(p[offset]))")
            }
            offset += 1
        }
        cursor.index += 1
        return true
    }

    // MARK: scalars

    /// Reads a string: its escapes decoded, its UTF-8 checked.
    public mutating func readString() throws(JSONSyntaxError) -> String {
        let (body, escaped) = try readStringBody()
        let raw = UnsafeBufferPointer(rebasing: text[body])
        if !escaped {
            guard let s = String(validating: raw, as: UTF8.self) else { throw invalidUTF8(in: body) }
            return s
        }
        guard let bytes = JSONText.unescape(raw, strict: true) else {
            throw fail("a \\u escape in this string is half of a surrogate pair", at: body.lowerBound - 1)
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw invalidUTF8(in: body) }
        return s
    }

    /// Reads a string, returning where its body (between the quotes) lies and whether it has escapes,
    /// without decoding it; its UTF-8 is checked.
    public mutating func readStringBody() throws(JSONSyntaxError) -> (range: Range<Int>, escaped: Bool) {
        skipSpace()
        guard offset < n, p[offset] == UInt8(ascii: "\"") else {
            let found = offset < n ? Self.describe(p[offset]) : "the end of the text"
            throw fail("expected a string, found \(found)")
        }
        let quote = offset
        offset += 1
        let start = offset
        guard let escaped = JSONGrammar.stringBody(p, n, &offset) else {
            throw fail(stringProblem(from: start), at: badStringByte(from: start))
        }
        let body = start..<(offset - 1)
        guard !checksStringUTF8 || UTF8Check.isValid(UnsafeBufferPointer(rebasing: text[body])) else {
            offset = quote
            throw invalidUTF8(in: body)
        }
        return (body, escaped)
    }

    /// The text of a string body found by ``readStringBody()`` or ``nextKeyBody(_:)``, its escapes
    /// decoded; nil when it is not UTF-8 or a `\u` escape leaves half of a surrogate pair.
    public func string(body: Range<Int>, escaped: Bool) -> String? {
        guard body.lowerBound >= 0, body.upperBound <= n else { return nil }
        let raw = UnsafeBufferPointer(rebasing: text[body])
        guard escaped else { return String(validating: raw, as: UTF8.self) }
        guard let bytes = JSONText.unescape(raw, strict: true) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Whether the bytes in `range` (a value found by ``skipValue(maximumDepth:)``) are UTF-8.
    public func isUTF8(_ range: Range<Int>) -> Bool {
        guard range.lowerBound >= 0, range.upperBound <= n else { return false }
        return UTF8Check.isValid(UnsafeBufferPointer(rebasing: text[range]))
    }

    func invalidUTF8(in body: Range<Int>) -> JSONSyntaxError {
        let bad = UTF8Check.firstInvalid(UnsafeBufferPointer(rebasing: text[body])) ?? 0
        return fail("a string holds bytes that are not UTF-8", at: body.lowerBound + bad)
    }

    /// Where the string starting at `start` goes wrong (for the error's position).
    func badStringByte(from start: Int) -> Int {
        var j = start
        while j < n {
            let c = p[j]
            if c == UInt8(ascii: "\"") || c < 0x20 { return j }
            if c == UInt8(ascii: "\\") {
                guard j + 1 < n else { return j }
                let e = p[j + 1]
                if e == UInt8(ascii: "u") {
                    guard j + 6 <= n else { return j }
                    for k in 2..<6 where JSONText.hexValue(p[j + k]) == nil { return j }
                    j += 6
                    continue
                }
                guard "\"\\/bfnrt".utf8.contains(e) else { return j }
                j += 2
                continue
            }
            j += 1
        }
        return n
    }

    func stringProblem(from start: Int) -> String {
        let at = badStringByte(from: start)
        guard at < n else { return "a string is not closed (no '\"' before the end of the text)" }
        if p[at] < 0x20 {
            return "a string holds a control character (byte 0x\(String(p[at], radix: 16))); write it as an escape"
        }
        return "a string holds an invalid escape sequence"
    }

    /// Reads a string as UTF-8 bytes, its escapes decoded and its UTF-8 checked, without making a
    /// `String` of it (for payloads that are stored as bytes, such as log messages).
    public mutating func readStringBytes() throws(JSONSyntaxError) -> [UInt8] {
        let (body, escaped) = try readStringBody()
        let raw = UnsafeBufferPointer(rebasing: text[body])
        // readStringBody checked the body's UTF-8 unless told not to; unescaping adds only whole
        // scalars (strictly: half of a surrogate pair is refused).
        guard checksStringUTF8 || UTF8Check.isValid(raw) else { throw invalidUTF8(in: body) }
        guard escaped else { return Array(raw) }
        guard let bytes = JSONText.unescape(raw, strict: true) else {
            throw fail("a \\u escape in this string is half of a surrogate pair", at: body.lowerBound - 1)
        }
        return bytes
    }

    /// Reads a number; its value when it is written as a plain integer (an optional `-` and digits)
    /// that fits in `Int64`, else nil (the number is read either way).
    public mutating func readPlainInt64() throws(JSONSyntaxError) -> Int64? {
        skipSpace()
        let start = offset
        guard JSONGrammar.number(p, n, &offset) else {
            offset = start
            throw fail("expected a number")
        }
        var i = start
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value: Int64 = 0
        while i < offset {
            let digit = Int64(p[i]) &- 48
            guard digit >= 0, digit <= 9 else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
            i += 1
        }
        return value
    }

    /// Reads a number, returning its text as written (RFC 8259 syntax).
    public mutating func readNumberText() throws(JSONSyntaxError) -> String {
        skipSpace()
        let start = offset
        guard JSONGrammar.number(p, n, &offset) else {
            offset = start
            throw fail("expected a number")
        }
        return String(decoding: UnsafeBufferPointer(rebasing: text[start..<offset]), as: UTF8.self)
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws(JSONSyntaxError) -> Bool {
        skipSpace()
        if JSONGrammar.literal("true", p, n, &offset) { return true }
        if JSONGrammar.literal("false", p, n, &offset) { return false }
        throw fail("expected true or false")
    }

    /// Reads `null`.
    public mutating func readNull() throws(JSONSyntaxError) {
        skipSpace()
        guard JSONGrammar.literal("null", p, n, &offset) else { throw fail("expected null") }
    }

    // MARK: whole values

    /// Steps over one value, checking all of it, and returns the range it occupies.
    @discardableResult
    public mutating func skipValue(maximumDepth: Int = defaultMaximumDepth) throws(JSONSyntaxError) -> Range<Int> {
        _ = try peek()
        let start = offset
        try skip(depth: 0, maximumDepth: maximumDepth)
        return start..<offset
    }

    mutating func skip(depth: Int, maximumDepth: Int) throws(JSONSyntaxError) {
        guard depth < maximumDepth else { throw fail("values nest more than \(maximumDepth) deep") }
        switch try peek() {
        case .object:
            // Repeated names are refused by readValue; a skipped value is only checked for syntax, and its
            // member names are checked, not decoded.
            var o = try beginObject(uniqueKeys: false)
            while try nextKeyBody(&o) != nil { try skip(depth: depth + 1, maximumDepth: maximumDepth) }
        case .array:
            var a = try beginArray()
            while try nextElement(&a) { try skip(depth: depth + 1, maximumDepth: maximumDepth) }
        case .string: _ = try readStringBody()
        case .number: _ = try readNumberText()
        case .bool: _ = try readBool()
        case .null: try readNull()
        }
    }

    /// Reads one value whole.
    public mutating func readValue(maximumDepth: Int = defaultMaximumDepth) throws(JSONSyntaxError) -> JSONValue {
        try value(depth: 0, maximumDepth: maximumDepth)
    }

    mutating func value(depth: Int, maximumDepth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < maximumDepth else { throw fail("values nest more than \(maximumDepth) deep") }
        switch try peek() {
        case .object:
            var o = try beginObject()
            var members: [JSONMember] = []
            while let key = try nextKey(&o) {
                members.append(JSONMember(key, try value(depth: depth + 1, maximumDepth: maximumDepth)))
            }
            return .object(JSONObject(members))
        case .array:
            var a = try beginArray()
            var elements: [JSONValue] = []
            while try nextElement(&a) { elements.append(try value(depth: depth + 1, maximumDepth: maximumDepth)) }
            return .array(elements)
        case .string: return .string(try readString())
        case .number: return .number(try readNumberText())
        case .bool: return .bool(try readBool())
        case .null:
            try readNull()
            return .null
        }
    }

    /// Checks that only whitespace is left.
    public mutating func end() throws(JSONSyntaxError) {
        skipSpace()
        guard offset == n else { throw fail("unexpected \(Self.describe(p[offset])) after the JSON value") }
    }

}

/// UTF-8 well-formedness (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
enum UTF8Check {
    static func isValid(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        // Most text is ASCII: check 8 bytes at a time for a high bit before decoding anything.
        guard let base = s.baseAddress else { return true }
        var i = 0
        while i + 8 <= s.count {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < s.count, s[i] < 0x80 { i += 1 }
        if i == s.count { return true }
        return firstInvalid(s, from: i) == nil
    }

    /// The offset of the first byte that does not begin a well-formed sequence; nil when all do.
    static func firstInvalid(_ s: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        var i = start
        while i < s.count {
            let c = s[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return i
            }
            guard i + length <= s.count, s[i + 1] >= lower, s[i + 1] <= upper else { return i }
            for k in 2..<length where s[i + k] < 0x80 || s[i + k] > 0xBF { return i }
            i += length
        }
        return nil
    }
}
