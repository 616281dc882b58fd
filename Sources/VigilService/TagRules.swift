/// The rules AWS applies to resource tags (log groups, alarms): keys 1–128 characters, values up to
/// 256, keys starting with `aws:` reserved, at most 50 tags on one resource. Each API reports a
/// broken rule with its own error code; this says what is broken.
enum TagRules {
    static let maximumTags = 50

    /// The first broken rule among `tags` (in key order), or nil.
    static func problem(_ tags: [String: String]) -> (key: String, message: String)? {
        for (k, v) in tags.sorted(by: { $0.key < $1.key }) {
            guard (1...128).contains(k.count), v.count <= 256 else {
                return (k, "Tag keys must be 1 to 128 characters and values at most 256 ('\(k)').")
            }
            guard !k.lowercased().hasPrefix("aws:") else {
                return (k, "Tag keys starting with 'aws:' are reserved; '\(k)' cannot be used.")
            }
        }
        return nil
    }
}
