/// A DEFLATE decoder (RFC 1951) in pure Swift: stored, fixed-Huffman and dynamic-Huffman blocks.
///
/// Codes of up to ``fastBits`` bits are decoded with one table lookup; longer codes fall back to the
/// canonical bit-by-bit walk of Mark Adler's `puff.c`. Every malformed stream ends in an
/// ``InflateError`` (never a trap or an endless loop), and the output is capped so that a small
/// "bomb" cannot exhaust memory.
struct Inflater {
    /// Why a stream could not be decoded.
    struct InflateError: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    static let fastBits = 10
    let p: UnsafeBufferPointer<UInt8>
    /// Next byte to load into the bit buffer.
    var position: Int
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    var output: [UInt8] = []
    let maximumOutput: Int

    init(_ input: UnsafeBufferPointer<UInt8>, from position: Int = 0, maximumOutput: Int) {
        p = input
        self.position = position
        self.maximumOutput = maximumOutput
    }

    /// The offset of the first byte after the stream, once ``inflate()`` returned (unused bits dropped).
    var endOffset: Int { position - bitCount / 8 }

    /// Decodes blocks until the final one; the result is in ``output``.
    mutating func inflate() throws(InflateError) {
        while true {
            let last = try bits(1)
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(Self.fixedLengths, Self.fixedDistances)
            case 2:
                let (lengths, distances) = try dynamicTables()
                try codes(lengths, distances)
            default: throw InflateError(description: "invalid block type 3")
            }
            if last == 1 { return }
        }
    }

    // MARK: bits

    @inline(__always)
    mutating func fill(_ n: Int) throws(InflateError) {
        while bitCount < n {
            guard position < p.count else { throw InflateError(description: "unexpected end of compressed data") }
            bitBuffer |= UInt64(p[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    /// Loads up to `n` bits without failing at the end of the input (a peek may look past it).
    @inline(__always)
    mutating func fillForPeek(_ n: Int) {
        while bitCount < n && position < p.count {
            bitBuffer |= UInt64(p[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    @inline(__always)
    mutating func bits(_ n: Int) throws(InflateError) -> Int {
        if n == 0 { return 0 }
        try fill(n)
        let v = Int(bitBuffer & ((1 << UInt64(n)) - 1))
        bitBuffer >>= UInt64(n)
        bitCount -= n
        return v
    }

    // MARK: blocks

    mutating func stored() throws(InflateError) {
        // Drop to a byte boundary; whole bytes still in the buffer are given back to the input.
        bitBuffer >>= UInt64(bitCount % 8)
        bitCount -= bitCount % 8
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= p.count else { throw InflateError(description: "unexpected end of compressed data") }
        let length = Int(p[position]) | Int(p[position + 1]) << 8
        let check = Int(p[position + 2]) | Int(p[position + 3]) << 8
        guard length == ~check & 0xFFFF else {
            throw InflateError(description: "stored block length does not match its complement")
        }
        position += 4
        guard position + length <= p.count else { throw InflateError(description: "unexpected end of compressed data") }
        guard output.count + length <= maximumOutput else { throw tooLarge }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: p[position..<position + length]))
        position += length
    }

    var tooLarge: InflateError { InflateError(description: "decompressed data is larger than \(maximumOutput) bytes") }

    static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
        4097, 6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    static let fixedLengths: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for k in 144..<256 { lengths[k] = 9 }
        for k in 256..<280 { lengths[k] = 7 }
        return try! HuffmanTable(lengths[...], incomplete: .forbidden)
    }()
    static let fixedDistances: HuffmanTable = try! HuffmanTable(
        [UInt8](repeating: 5, count: 30)[...], incomplete: .allowed)

    mutating func dynamicTables() throws(InflateError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw InflateError(description: "too many length or distance codes")
        }
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengths = [UInt8](repeating: 0, count: 19)
        for k in 0..<codeLengthCount { codeLengths[order[k]] = UInt8(try bits(3)) }
        let codeLengthTable = try HuffmanTable(codeLengths[...], incomplete: .forbidden)
        var lengths = [UInt8](repeating: 0, count: literalCount + distanceCount)
        var k = 0
        while k < lengths.count {
            let symbol = try decode(codeLengthTable)
            if symbol < 16 {
                lengths[k] = UInt8(symbol)
                k += 1
                continue
            }
            var value: UInt8 = 0
            let repeatCount: Int
            switch symbol {
            case 16:
                guard k > 0 else { throw InflateError(description: "repeat of a code length with no previous length") }
                value = lengths[k - 1]
                repeatCount = 3 + (try bits(2))
            case 17: repeatCount = 3 + (try bits(3))
            default: repeatCount = 11 + (try bits(7))
            }
            guard k + repeatCount <= lengths.count else {
                throw InflateError(description: "code lengths overflow their table")
            }
            for _ in 0..<repeatCount {
                lengths[k] = value
                k += 1
            }
        }
        guard lengths[256] != 0 else { throw InflateError(description: "no end-of-block code") }
        let literal = try HuffmanTable(lengths[..<literalCount], incomplete: .singleCode)
        let distance = try HuffmanTable(lengths[literalCount...], incomplete: .singleCode)
        return (literal, distance)
    }

    mutating func codes(_ literals: HuffmanTable, _ distances: HuffmanTable) throws(InflateError) {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                guard output.count < maximumOutput else { throw tooLarge }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let l = symbol - 257
            guard l < 29 else { throw InflateError(description: "invalid length code \(symbol)") }
            let length = Self.lengthBase[l] + (try bits(Self.lengthExtra[l]))
            let d = try decode(distances)
            guard d < 30 else { throw InflateError(description: "invalid distance code \(d)") }
            let distance = Self.distanceBase[d] + (try bits(Self.distanceExtra[d]))
            guard distance <= output.count else {
                throw InflateError(description: "distance \(distance) reaches before the start of the data")
            }
            guard output.count + length <= maximumOutput else { throw tooLarge }
            let from = output.count - distance
            if distance >= length {
                output.append(contentsOf: output[from..<from + length])
            } else {
                for k in 0..<length { output.append(output[from + k]) }
            }
        }
    }

    /// Decodes one symbol: a table lookup for short codes, else the canonical walk.
    @inline(__always)
    mutating func decode(_ table: HuffmanTable) throws(InflateError) -> Int {
        fillForPeek(Self.fastBits)
        let entry = table.fast[Int(bitBuffer & UInt64((1 << Self.fastBits) - 1))]
        if entry != 0 {
            let length = Int(entry & 15)
            guard length <= bitCount else { throw InflateError(description: "unexpected end of compressed data") }
            bitBuffer >>= UInt64(length)
            bitCount -= length
            return Int(entry >> 4)
        }
        var code = 0
        var first = 0
        var index = 0
        for length in 1...15 {
            code |= try bits(1)
            let count = Int(table.counts[length])
            if code - first < count { return Int(table.symbols[index + code - first]) }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw InflateError(description: "invalid Huffman code")
    }
}

/// A canonical Huffman code built from code lengths, with a lookup table for short codes.
struct HuffmanTable: Sendable {
    /// Number of codes of each length (index 0 unused).
    var counts = [UInt16](repeating: 0, count: 16)
    /// Symbols in canonical code order.
    var symbols: [UInt16] = []
    /// For each `fastBits`-bit input (least significant bit first): symbol << 4 | length, or 0.
    var fast = [UInt32](repeating: 0, count: 1 << Inflater.fastBits)

    /// Which incomplete codes (fewer codes than the lengths allow) are accepted.
    enum Incomplete { case forbidden, singleCode, allowed }

    init(_ lengths: ArraySlice<UInt8>, incomplete: Incomplete) throws(Inflater.InflateError) {
        for l in lengths { counts[Int(l)] += 1 }
        counts[0] = 0
        var left = 1
        for length in 1...15 {
            left = left << 1 - Int(counts[length])
            guard left >= 0 else { throw Inflater.InflateError(description: "over-subscribed Huffman code lengths") }
        }
        let used = lengths.count - lengths.filter { $0 == 0 }.count
        // As zlib: an incomplete code is valid only as a single one-bit code (RFC 1951 allows one
        // distance code), or for the fixed distance code, which leaves two of 32 codes unused.
        switch incomplete {
        case .forbidden where left > 0:
            throw Inflater.InflateError(description: "incomplete Huffman code lengths")
        case .singleCode where left > 0 && used > 0 && !(used == 1 && counts[1] == 1):
            throw Inflater.InflateError(description: "incomplete Huffman code lengths")
        default: break
        }
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + Int(counts[length]) }
        symbols = [UInt16](repeating: 0, count: used)
        for (k, l) in lengths.enumerated() where l != 0 {
            symbols[offsets[Int(l)]] = UInt16(k)
            offsets[Int(l)] += 1
        }
        // Short codes into the lookup table, indexed by their bit-reversed code.
        var code = 0
        var index = 0
        for length in 1...15 {
            for _ in 0..<Int(counts[length]) {
                if length <= Inflater.fastBits {
                    var reversed = 0
                    for b in 0..<length where code & (1 << b) != 0 { reversed |= 1 << (length - 1 - b) }
                    let entry = UInt32(symbols[index]) << 4 | UInt32(length)
                    var slot = reversed
                    while slot < fast.count {
                        fast[slot] = entry
                        slot += 1 << length
                    }
                }
                code += 1
                index += 1
            }
            code <<= 1
        }
    }
}
