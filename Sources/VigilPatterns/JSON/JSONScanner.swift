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
                if let existing = nodes[node].members.first(where: { $0.key == key }) {
                    node = existing.child
                    continue
                }
                nodes.append(Node())
                nodes[node].members.append((key, nodes.count - 1))
                node = nodes.count - 1
            case .index(let n):
                if let existing = nodes[node].indices.first(where: { $0.index == n }) {
                    node = existing.child
                    continue
                }
                nodes.append(Node())
                nodes[node].indices.append((n, nodes.count - 1))
                node = nodes.count - 1
            case .anyIndex:
                if let existing = nodes[node].anyIndex {
                    node = existing
                    continue
                }
                nodes.append(Node())
                nodes[node].anyIndex = nodes.count - 1
                node = nodes.count - 1
            }
        }
        if let s = nodes[node].slot {
            slots[selector] = s
            return s
        }
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

/// A ``JSONPathTrie`` laid out flat in memory for ``JSONScanner``: the scan's hot loop reads plain
/// buffers instead of arrays of structs (whose copies cost reference counting on every key).
/// Immutable once built.
final class JSONScanTable: @unchecked Sendable {  // @unchecked: the buffers are written only in init
    /// Per node: its first member and member count, its slot (-1 for none), its `[*]` child (-1 for none).
    let memberStart, memberCount, slot, anyIndex: UnsafeMutableBufferPointer<Int32>
    /// Per node: its `[n]` children (empty for most).
    let indices: [[(index: Int, child: Int)]]
    /// How many nodes the trie has.
    var nodeCount: Int { indices.count }
    /// Per member: where its key's bytes start, their length, and the child node.
    let keyStart, keyLength, child: UnsafeMutableBufferPointer<Int32>
    let keyBytes: UnsafeMutableBufferPointer<UInt8>
    /// Per node and key length (``lengthBuckets`` of them, the last for all longer keys): its first
    /// member of that length, -1 for none; then per member the next of the same node and length. A key
    /// is compared with the members of its own length only (a member loop mispredicted on every key).
    let firstOfLength, nextOfLength: UnsafeMutableBufferPointer<Int32>
    static let lengthBuckets = 64

    init(_ trie: JSONPathTrie) {
        let nodes = trie.nodes
        func buffer<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, values.count))
            _ = b.initialize(from: values)
            return b
        }
        var starts: [Int32] = []
        var counts: [Int32] = []
        var keyStarts: [Int32] = []
        var keyLengths: [Int32] = []
        var children: [Int32] = []
        var bytes: [UInt8] = []
        for node in nodes {
            starts.append(Int32(children.count))
            counts.append(Int32(node.members.count))
            for m in node.members {
                keyStarts.append(Int32(bytes.count))
                keyLengths.append(Int32(m.key.count))
                bytes += m.key
                children.append(Int32(m.child))
            }
        }
        memberStart = buffer(starts)
        memberCount = buffer(counts)
        slot = buffer(nodes.map { Int32($0.slot ?? -1) })
        anyIndex = buffer(nodes.map { Int32($0.anyIndex ?? -1) })
        indices = nodes.map(\.indices)
        keyStart = buffer(keyStarts)
        keyLength = buffer(keyLengths)
        child = buffer(children)
        keyBytes = buffer(bytes)
        var first = [Int32](repeating: -1, count: nodes.count * Self.lengthBuckets)
        var next = [Int32](repeating: -1, count: max(1, keyLengths.count))
        for (node, start) in starts.enumerated() {
            for m in stride(from: Int(start) + Int(counts[node]) - 1, through: Int(start), by: -1) {
                let bucket = node * Self.lengthBuckets + min(Int(keyLengths[m]), Self.lengthBuckets - 1)
                next[m] = first[bucket]
                first[bucket] = Int32(m)
            }
        }
        firstOfLength = buffer(first)
        nextOfLength = buffer(next)
    }

    deinit {
        for b in [memberStart, memberCount, slot, anyIndex, keyStart, keyLength, child, firstOfLength, nextOfLength] {
            b.deallocate()
        }
        keyBytes.deallocate()
    }
}

/// The keys recent events had, per trie node and member position: the exact bytes `"key":` last seen
/// there and the child node they lead to. Events of one source repeat their keys in the same order, so
/// a key is then recognised by comparing a few words, without scanning it as a string or looking it up;
/// any other bytes take the full path. The bytes were validated when they were learnt, and a match is
/// exact, so validation is unchanged. One per scanning thread (it changes with every event).
final class JSONKeyMemo {
    /// Member positions remembered per node, and bytes per remembered key (`"`, the key, `":`).
    static let positions = 64
    static let width = 32
    let bytes: UnsafeMutablePointer<UInt8>
    /// Per node and position: how many bytes are remembered (0: nothing yet).
    let lengths: UnsafeMutablePointer<UInt8>
    let children: UnsafeMutablePointer<Int32>
    let slots: Int
    /// The scan table it was learnt with (trie nodes mean nothing for another).
    let table: ObjectIdentifier

    init(for table: JSONScanTable) {
        self.table = ObjectIdentifier(table)
        slots = table.nodeCount * Self.positions
        bytes = .allocate(capacity: slots * Self.width)
        bytes.initialize(repeating: 0, count: slots * Self.width)
        lengths = .allocate(capacity: slots)
        lengths.initialize(repeating: 0, count: slots)
        children = .allocate(capacity: slots)
        children.initialize(repeating: -1, count: slots)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
        children.deallocate()
    }
}

/// What a ``JSONScanner`` treats as whitespace between tokens.
protocol JSONWhitespace {
    static func isSpace(_ c: UInt8) -> Bool
}

/// JSON's own whitespace: a whole log event, which may span lines.
enum JSONEventWhitespace: JSONWhitespace {
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { JSONGrammar.isSpace(c) }
}

/// JSON's whitespace without the newline, which ends the event: a line of a file, scanned in place
/// so that the scan itself finds where the line ends (no newline search before it).
///
/// No token can hold a raw newline (strings refuse control bytes), so the scan never passes one.
enum JSONLineWhitespace: JSONWhitespace {
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 13 || c == 9 }
}

/// Scans one JSON event, validating all of it and recording the values at the trie's selectors.
///
/// Values off the trie are validated by ``skip(depth:)``, which records nothing and matches no keys.
/// Anything that is not one JSON object (with only whitespace around it) makes ``scan`` return
/// false: non-JSON events never match.
struct JSONScanner<Whitespace: JSONWhitespace> {
    let table: JSONScanTable
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    var found: [JSONValueRef] = []
    static var maximumDepth: Int { 256 }

    let memo: JSONKeyMemo?

    init(table: JSONScanTable, bytes: UnsafeBufferPointer<UInt8>, memo: JSONKeyMemo? = nil) {
        self.table = table
        self.p = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.n = bytes.count
        self.memo = memo?.table == ObjectIdentifier(table) ? memo : nil
    }

    /// Scans the whole buffer as one event.
    mutating func scan() -> Bool {
        object() && i == n
    }

    /// Scans one object and the whitespace after it, leaving `i` after them (or where it failed).
    mutating func object() -> Bool {
        skipSpace()
        guard i < n, p[i] == UInt8(ascii: "{") else { return false }
        guard value(node: 0, depth: 0) else { return false }
        skipSpace()
        return true
    }

    @inline(__always) mutating func skipSpace() {
        while i < n && Whitespace.isSpace(p[i]) { i += 1 }
    }

    /// Parses one value standing at trie node `node` (or off the trie when `node` is negative).
    mutating func value(node: Int, depth: Int) -> Bool {
        guard node >= 0 else { return skip(depth: depth) }
        guard i < n, depth < Self.maximumDepth else { return false }
        let start = i
        switch p[i] {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace()
            if i < n && p[i] == UInt8(ascii: "}") {
                i += 1
                record(node, .object, start, i, false)
                return true
            }
            let first = Int(table.memberStart[node])
            let count = Int(table.memberCount[node])
            var position = 0
            while true {
                var child = -1
                if let remembered = rememberedKey(node, position) {
                    i += remembered.length
                    child = remembered.child
                    skipSpace()
                } else {
                    guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
                    i += 1
                    let keyStart = i
                    guard let escaped = string() else { return false }
                    let keyEnd = i - 1
                    if !escaped {
                        var m = Int(
                            table.firstOfLength[
                                node * JSONScanTable.lengthBuckets
                                    + min(keyEnd - keyStart, JSONScanTable.lengthBuckets - 1)])
                        while m >= 0 {
                            if keyEquals(m, keyStart, keyEnd, false) {
                                child = Int(table.child[m])
                                break
                            }
                            m = Int(table.nextOfLength[m])
                        }
                        remember(node, position, from: keyStart - 1, child: child)
                    } else {
                        for m in first..<(first + count) where keyEquals(m, keyStart, keyEnd, true) {
                            child = Int(table.child[m])
                            break
                        }
                    }
                    guard colon() else { return false }
                }
                position += 1
                guard value(node: child, depth: depth + 1), let more = separator(UInt8(ascii: "}")) else {
                    return false
                }
                if !more { break }
            }
            record(node, .object, start, i, false)
            return true
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if i < n && p[i] == UInt8(ascii: "]") {
                i += 1
                record(node, .array, start, i, false)
                return true
            }
            var index = 0
            let exact = table.indices[node]
            let any = Int(table.anyIndex[node])
            while true {
                var child = exact.first(where: { $0.index == index })?.child ?? -1
                if any >= 0 {
                    if child >= 0 {
                        // Both [n] and [*] want this element: scan it once for each.
                        let save = i
                        guard value(node: any, depth: depth + 1) else { return false }
                        i = save
                    } else {
                        child = any
                    }
                }
                guard value(node: child, depth: depth + 1), let more = separator(UInt8(ascii: "]")) else {
                    return false
                }
                if !more { break }
                index += 1
            }
            record(node, .array, start, i, false)
            return true
        case UInt8(ascii: "\""):
            i += 1
            guard let escaped = string() else { return false }
            record(node, .string, start + 1, i - 1, escaped)
            return true
        default:
            guard let kind = scalar() else { return false }
            record(node, kind, start, i, false)
            return true
        }
    }

    /// Validates one value off the trie: the same grammar as ``value(node:depth:)``, nothing recorded.
    mutating func skip(depth: Int) -> Bool {
        guard i < n, depth < Self.maximumDepth else { return false }
        switch p[i] {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace()
            if i < n && p[i] == UInt8(ascii: "}") {
                i += 1
                return true
            }
            while true {
                guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
                i += 1
                guard string() != nil, colon(), skip(depth: depth + 1), let more = separator(UInt8(ascii: "}")) else {
                    return false
                }
                if !more { return true }
            }
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if i < n && p[i] == UInt8(ascii: "]") {
                i += 1
                return true
            }
            while true {
                guard skip(depth: depth + 1), let more = separator(UInt8(ascii: "]")) else { return false }
                if !more { return true }
            }
        case UInt8(ascii: "\""):
            i += 1
            return string() != nil
        default:
            return scalar() != nil
        }
    }

    /// The key remembered at `node`'s member `position`, when the bytes at `i` are exactly it: its
    /// length (through the `:`) and child.
    @inline(__always) func rememberedKey(_ node: Int, _ position: Int) -> (length: Int, child: Int)? {
        guard let memo, position < JSONKeyMemo.positions else { return nil }
        let slot = node * JSONKeyMemo.positions + position
        let length = Int(memo.lengths[slot])
        guard length > 0, i + length <= n, ByteSearch.equal(p + i, memo.bytes + slot * JSONKeyMemo.width, count: length)
        else { return nil }
        return (length, Int(memo.children[slot]))
    }

    /// Remembers the unescaped key whose opening quote is at `quote` (the scan stands after its closing
    /// quote) for `node`'s member `position`, when a `:` follows at once and it fits.
    @inline(__always) func remember(_ node: Int, _ position: Int, from quote: Int, child: Int) {
        guard let memo, position < JSONKeyMemo.positions, i < n, p[i] == UInt8(ascii: ":") else { return }
        let length = i + 1 - quote
        guard length <= JSONKeyMemo.width else { return }
        let slot = node * JSONKeyMemo.positions + position
        (memo.bytes + slot * JSONKeyMemo.width).update(from: p + quote, count: length)
        memo.lengths[slot] = UInt8(length)
        memo.children[slot] = Int32(child)
    }

    /// After a member or element: true past a `,` (another follows), false past `close` (the object or
    /// array ended), nil for anything else (not JSON).
    @inline(__always) mutating func separator(_ close: UInt8) -> Bool? {
        skipSpace()
        guard i < n else { return nil }
        if p[i] == UInt8(ascii: ",") {
            i += 1
            skipSpace()
            return true
        }
        if p[i] == close {
            i += 1
            return false
        }
        return nil
    }

    /// The `:` after a key, with the whitespace around it.
    @inline(__always) mutating func colon() -> Bool {
        skipSpace()
        guard i < n, p[i] == UInt8(ascii: ":") else { return false }
        i += 1
        skipSpace()
        return true
    }

    /// `true`, `false`, `null` or a number; nil when it is none of them.
    @inline(__always) mutating func scalar() -> JSONValueRef.Kind? {
        switch p[i] {
        case UInt8(ascii: "t"): return literal("true") ? .trueValue : nil
        case UInt8(ascii: "f"): return literal("false") ? .falseValue : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number() ? .number : nil
        }
    }

    @inline(__always) mutating func record(
        _ node: Int, _ kind: JSONValueRef.Kind, _ start: Int, _ end: Int, _ escaped: Bool
    ) {
        let slot = Int(table.slot[node])
        guard slot >= 0 else { return }
        found.append(JSONValueRef(kind: kind, start: start, end: end, escaped: escaped, slot: slot))
    }

    @inline(__always) mutating func literal(_ word: StaticString) -> Bool { JSONGrammar.literal(word, p, n, &i) }

    /// Validates a number per RFC 8259 (``JSONGrammar/number(_:_:_:)``).
    @inline(__always) mutating func number() -> Bool { JSONGrammar.number(p, n, &i) }

    /// Scans a string body after the opening quote, leaving `i` after the closing quote.
    /// Returns whether it had escapes, or nil when it is invalid (``JSONGrammar/stringBody(_:_:_:)``).
    @inline(__always) mutating func string() -> Bool? { JSONGrammar.stringBody(p, n, &i) }

    /// Whether the key in `start..<end` is member `m`'s.
    @inline(__always) func keyEquals(_ m: Int, _ start: Int, _ end: Int, _ escaped: Bool) -> Bool {
        let length = Int(table.keyLength[m])
        let key = UnsafeBufferPointer(
            rebasing: table.keyBytes[Int(table.keyStart[m])..<(Int(table.keyStart[m]) + length)])
        if !escaped {
            return end - start == length && ByteSearch.equal(p + start, key.baseAddress!, count: length)
        }
        return JSONText.unescape(UnsafeBufferPointer(start: p + start, count: end - start)).elementsEqual(key)
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

    /// Decodes the escapes of a (validated) JSON string body into UTF-8 bytes. Half a surrogate pair
    /// (`\ud800` alone) has no UTF-8: matching reads it as U+FFFD, as a lenient reader would.
    static func unescape(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8] { unescape(s, strict: false) ?? [] }

    /// Decodes the escapes of a (validated) JSON string body; with `strict`, nil for a `\u` escape that
    /// leaves half of a surrogate pair (``JSONReader`` refuses such a string), else U+FFFD for it.
    static func unescape(_ s: UnsafeBufferPointer<UInt8>, strict: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        var i = 0
        while i < s.count {
            let c = s[i]
            guard c == UInt8(ascii: "\\"), i + 1 < s.count else {
                out.append(c)
                i += 1
                continue
            }
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
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= s.count, s[i] == UInt8(ascii: "\\"),
                    s[i + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(s, i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                if let u = Unicode.Scalar(scalar), let encoded = UTF8.encode(u) {
                    out.append(contentsOf: encoded)
                } else if strict {
                    return nil
                } else {
                    out.append(contentsOf: replacement)
                }
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
        if k < s.count, s[k] == UInt8(ascii: "-") || s[k] == UInt8(ascii: "+") {
            negative = s[k] == UInt8(ascii: "-")
            k += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
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

    static let powersOfTen: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }
}
