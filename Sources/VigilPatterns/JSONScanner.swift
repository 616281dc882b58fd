/// The selectors a set of compiled filters reads, as a trie, so one scan of an event serves all of them.
struct JSONPathTrie: Sendable {
    struct Node: Sendable {
        var members: [(key: [UInt8], child: Int)] = []
        var indices: [(index: Int, child: Int)] = []
        var anyIndex: Int? = nil
        var slot: Int? = nil
    }
    private(set) var nodes: [Node] = [Node()]
    private(set) var slotCount = 0
    private var slots: [JSONSelector: Int] = [:]

    /// The slot that receives the value(s) `selector` points to, adding it if new.
    mutating func slot(for selector: JSONSelector) -> Int {
        if let s = slots[selector] { return s }
        var node = 0
        for step in selector.steps {
            switch step {
            case .member(let key):
                if let existing = nodes[node].members.first(where: { $0.key == key }) { node = existing.child; continue }
                nodes.append(Node())
                nodes[node].members.append((key, nodes.count - 1))
                node = nodes.count - 1
            case .index(let n):
                if let existing = nodes[node].indices.first(where: { $0.index == n }) { node = existing.child; continue }
                nodes.append(Node())
                nodes[node].indices.append((n, nodes.count - 1))
                node = nodes.count - 1
            case .anyIndex:
                if let existing = nodes[node].anyIndex { node = existing; continue }
                nodes.append(Node())
                nodes[node].anyIndex = nodes.count - 1
                node = nodes.count - 1
            }
        }
        if let s = nodes[node].slot { slots[selector] = s; return s }
        nodes[node].slot = slotCount
        slots[selector] = slotCount
        slotCount += 1
        return slotCount - 1
    }
}

/// Where a JSON value sits in an event, and what kind it is.
struct JSONValueRef: Sendable {
    enum Kind: UInt8, Sendable { case string, number, trueValue, falseValue, null, object, array }
    var kind: Kind
    /// For strings, the bytes between the quotes; otherwise the whole value.
    var start: Int
    var end: Int
    /// The string contains backslash escapes and must be decoded before comparing.
    var escaped: Bool
    var slot: Int
}

/// Scans one JSON event, validating all of it and recording the values at the trie's selectors.
///
/// Values off the trie are skipped without being decoded. Anything that is not one JSON object
/// (with only whitespace around it) makes ``scan`` return false: non-JSON events never match.
struct JSONScanner {
    let trie: JSONPathTrie
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    var found: [JSONValueRef] = []
    static let maximumDepth = 256

    init(trie: JSONPathTrie, bytes: UnsafeBufferPointer<UInt8>) {
        self.trie = trie
        self.p = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.n = bytes.count
    }

    mutating func scan() -> Bool {
        skipSpace()
        guard i < n, p[i] == UInt8(ascii: "{") else { return false }
        guard value(node: 0, depth: 0) else { return false }
        skipSpace()
        return i == n
    }

    @inline(__always) mutating func skipSpace() {
        while i < n {
            let c = p[i]
            if c == 32 || c == 10 || c == 13 || c == 9 { i += 1 } else { return }
        }
    }

    /// Parses one value; `node` is the trie node it stands at, or -1 when no filter needs it.
    mutating func value(node: Int, depth: Int) -> Bool {
        guard i < n, depth < Self.maximumDepth else { return false }
        let c = p[i]
        let start = i
        switch c {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace()
            if i < n && p[i] == UInt8(ascii: "}") { i += 1; record(node, .object, start, i, false); return true }
            let members = node >= 0 ? trie.nodes[node].members : []
            while true {
                guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
                i += 1
                let keyStart = i
                guard let escaped = string() else { return false }
                let keyEnd = i - 1
                var child = -1
                for member in members where keyEquals(member.key, keyStart, keyEnd, escaped) {
                    child = member.child
                    break
                }
                skipSpace()
                guard i < n, p[i] == UInt8(ascii: ":") else { return false }
                i += 1
                skipSpace()
                guard value(node: child, depth: depth + 1) else { return false }
                skipSpace()
                guard i < n else { return false }
                if p[i] == UInt8(ascii: ",") { i += 1; skipSpace(); continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                return false
            }
            record(node, .object, start, i, false)
            return true
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if i < n && p[i] == UInt8(ascii: "]") { i += 1; record(node, .array, start, i, false); return true }
            var index = 0
            while true {
                var child = -1
                if node >= 0 {
                    let t = trie.nodes[node]
                    if let exact = t.indices.first(where: { $0.index == index }) { child = exact.child }
                    if let any = t.anyIndex {
                        if child >= 0 {
                            // Both [n] and [*] want this element: scan it once for each.
                            let save = i
                            guard value(node: any, depth: depth + 1) else { return false }
                            i = save
                        } else {
                            child = any
                        }
                    }
                }
                guard value(node: child, depth: depth + 1) else { return false }
                index += 1
                skipSpace()
                guard i < n else { return false }
                if p[i] == UInt8(ascii: ",") { i += 1; skipSpace(); continue }
                if p[i] == UInt8(ascii: "]") { i += 1; break }
                return false
            }
            record(node, .array, start, i, false)
            return true
        case UInt8(ascii: "\""):
            i += 1
            guard let escaped = string() else { return false }
            record(node, .string, start + 1, i - 1, escaped)
            return true
        case UInt8(ascii: "t"):
            guard literal("true") else { return false }
            record(node, .trueValue, start, i, false)
            return true
        case UInt8(ascii: "f"):
            guard literal("false") else { return false }
            record(node, .falseValue, start, i, false)
            return true
        case UInt8(ascii: "n"):
            guard literal("null") else { return false }
            record(node, .null, start, i, false)
            return true
        default:
            guard number() else { return false }
            record(node, .number, start, i, false)
            return true
        }
    }

    @inline(__always) mutating func record(_ node: Int, _ kind: JSONValueRef.Kind, _ start: Int, _ end: Int, _ escaped: Bool) {
        guard node >= 0, let slot = trie.nodes[node].slot else { return }
        found.append(JSONValueRef(kind: kind, start: start, end: end, escaped: escaped, slot: slot))
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let len = word.utf8CodeUnitCount
        guard i + len <= n else { return false }
        let w = word.utf8Start
        for k in 0..<len where p[i + k] != w[k] { return false }
        i += len
        return true
    }

    /// Validates a number per RFC 8259.
    mutating func number() -> Bool {
        if i < n && p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { return false }
        if p[i] == UInt8(ascii: "0") { i += 1 } else {
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

    /// Scans a string body after the opening quote, leaving `i` after the closing quote.
    /// Returns whether it had escapes, or nil when it is invalid.
    mutating func string() -> Bool? {
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
                if any(special) {
                    j += ByteSearch.firstLane(special)
                    break
                }
                j += 16
            }
            guard j < n else { return nil }
            let c = p[j]
            if c == UInt8(ascii: "\"") { j += 1; return escaped }
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

    func keyEquals(_ key: [UInt8], _ start: Int, _ end: Int, _ escaped: Bool) -> Bool {
        if !escaped {
            guard end - start == key.count else { return false }
            for k in 0..<key.count where p[start + k] != key[k] { return false }
            return true
        }
        return JSONText.unescape(UnsafeBufferPointer(start: p + start, count: end - start)) == key
    }
}

/// Helpers for JSON string and number text.
enum JSONText {
    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 48...57: return UInt32(c - 48)
        case 65...70: return UInt32(c - 55)
        case 97...102: return UInt32(c - 87)
        default: return nil
        }
    }

    /// Decodes the escapes of a (validated) JSON string body into UTF-8 bytes.
    static func unescape(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let c = s[i]
            guard c == UInt8(ascii: "\\"), i + 1 < s.count else { out.append(c); i += 1; continue }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                var scalar = hex4(s, i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= s.count, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u") {
                    let low = hex4(s, i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: out.append(e)
            }
        }
        return out
    }

    static func hex4(_ s: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 where at + k < s.count { v = v << 4 | (hexValue(s[at + k]) ?? 0) }
        return v
    }

    /// Parses decimal number text (JSON or a delimited field) into a Double.
    static func parseDouble(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        // Fast path: an optional sign and up to 15 digits with an optional fraction, no exponent.
        var k = 0
        var negative = false
        if k < s.count, s[k] == UInt8(ascii: "-") || s[k] == UInt8(ascii: "+") { negative = s[k] == UInt8(ascii: "-"); k += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fractionDigits = 0
        var sawDot = false
        while k < s.count {
            let c = s[k]
            if c >= 48 && c <= 57 {
                mantissa = mantissa &* 10 &+ UInt64(c - 48)
                digits += 1
                if sawDot { fractionDigits += 1 }
            } else if c == UInt8(ascii: ".") && !sawDot {
                sawDot = true
            } else {
                break
            }
            k += 1
        }
        if k == s.count && digits > 0 && digits <= 15 && (!sawDot || fractionDigits > 0) {
            var value = Double(mantissa)
            if fractionDigits > 0 { value /= powersOfTen[fractionDigits] }
            return negative ? -value : value
        }
        guard digits > 0 || k < s.count else { return nil }
        // General path: validate the grammar, then let the standard library round correctly.
        let raw = Array(s)
        return FilterPatternParser.parseNumber(raw)
    }

    static let powersOfTen: [Double] = (0...22).map { k in var v = 1.0; for _ in 0..<k { v *= 10 }; return v }
}
