import ArgumentParser

/// `Key=value` command-line arguments, as the aws CLI's shorthand writes dimensions and tags.
enum KeyValueArguments {
    /// The pairs of `arguments` (each also split at commas when `commas`); a value is required
    /// unless `valueOptional`, in which case a bare `Key` gives nil.
    static func pairs(_ arguments: [String], what: String, commas: Bool = false, valueOptional: Bool = false) throws
        -> [(key: String, value: String?)]
    {
        try arguments.flatMap { commas ? $0.split(separator: ",").map(String.init) : [$0] }.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 || valueOptional else {
                throw ValidationError("\(what) '\(pair)' must be Key=value.")
            }
            return (String(parts[0]), parts.count == 2 ? String(parts[1]) : nil)
        }
    }
}
