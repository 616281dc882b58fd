import VigilPatterns

/// Indexes (1-based) of the messages `pattern` matches; compiles or fails the test by throwing.
func matching(_ pattern: String, _ messages: [String]) throws -> [Int] {
    let compiled = try FilterPattern(pattern)
    return messages.enumerated().filter { compiled.matches($0.element) }.map { $0.offset + 1 }
}
