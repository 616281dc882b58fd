/// Evaluates unstructured term patterns: OR over `?` groups, AND within a group, `-` excludes.
enum TermMatcher {
    static func matches(_ groups: [TermGroup], _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        for group in groups where groupMatches(group, message) { return true }
        return false
    }

    static func groupMatches(_ group: TermGroup, _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        for term in group.terms {
            let present: Bool
            switch term.matcher {
            case .literal(let literal):
                present = literal.withUnsafeBufferPointer { ByteSearch.firstIndex(of: $0, in: message, from: 0) != nil }
            case .regex(let regex):
                present = regex.matches(message)
            }
            if present == term.excluded { return false }
        }
        return true
    }
}
