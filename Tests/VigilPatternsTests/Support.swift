import VigilPatterns

/// Indexes (1-based) of the messages `pattern` matches; compiles or fails the test by throwing.
func matching(_ pattern: String, _ messages: [String]) throws -> [Int] {
    let compiled = try FilterPattern(pattern)
    return messages.enumerated().filter { compiled.matches($0.element) }.map { $0.offset + 1 }
}

/// A small deterministic random generator (SplitMix64) for property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
