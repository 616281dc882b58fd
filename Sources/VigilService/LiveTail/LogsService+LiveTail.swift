public import VigilAPI
import VigilPatterns
import VigilStore

extension LogsService {
    /// StartLiveTail's request checked as AWS checks it — the model's constraints first (1 to 10 log
    /// groups, 1 to 100 stream names or prefixes, a pattern of at most 1,024 characters), then the
    /// operation's rules (stream names or prefixes, not both, and only with one log group; a pattern
    /// that compiles), then that every group exists — as the filter of a session, the groups by name.
    ///
    /// A log group may be given by name or by ARN (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME`, which
    /// may not end in `*`).
    public func liveTailFilter(_ input: CloudWatchLogs.StartLiveTailInput) async throws -> LiveTailFilter {
        let identifiers = input.logGroupIdentifiers
        guard (1...10).contains(identifiers.count) else {
            throw CloudWatchLogsError.constraint(
                Self.listText(identifiers), "logGroupIdentifiers",
                "Member must have length \(identifiers.isEmpty ? "greater than or equal to 1" : "less than or equal to 10")"
            )
        }
        for (field, list) in [
            ("logStreamNames", input.logStreamNames), ("logStreamNamePrefixes", input.logStreamNamePrefixes),
        ] {
            guard let list else { continue }
            guard (1...100).contains(list.count) else {
                throw CloudWatchLogsError.constraint(
                    Self.listText(list), field,
                    "Member must have length \(list.isEmpty ? "greater than or equal to 1" : "less than or equal to 100")"
                )
            }
            for name in list where !LogsLimits.isValidStreamOrFilterName(name) {
                throw CloudWatchLogsError.constraint(
                    name, field,
                    "Member must satisfy regular expression pattern: [^:*]* and have length between 1 and 512")
            }
        }
        if let pattern = input.logEventFilterPattern, pattern.count > 1_024 {
            throw CloudWatchLogsError.constraint(
                String(pattern.prefix(64)) + "…", "logEventFilterPattern",
                "Member must have length less than or equal to 1024")
        }
        var groups: [String] = []
        for identifier in identifiers {
            guard (1...2_048).contains(identifier.utf8.count) else {
                throw CloudWatchLogsError.constraint(
                    identifier, "logGroupIdentifiers", "Member must have length between 1 and 2048")
            }
            if identifier.hasPrefix("arn:") {
                guard !identifier.hasSuffix("*") else {
                    throw CloudWatchLogsError.invalidParameter(
                        "The log group ARN \(identifier) ends with '*': give the ARN of the log group itself.")
                }
                groups.append(try Self.logGroupName(arn: identifier))
            } else {
                try Self.checkGroupName(identifier)
                groups.append(identifier)
            }
        }
        if input.logStreamNames != nil, input.logStreamNamePrefixes != nil {
            throw CloudWatchLogsError.invalidParameter(
                "logStreamNames and logStreamNamePrefixes cannot both be specified.")
        }
        if input.logStreamNames != nil || input.logStreamNamePrefixes != nil, Set(groups).count > 1 {
            throw CloudWatchLogsError.invalidParameter(
                "logStreamNames and logStreamNamePrefixes can be specified only with one log group in logGroupIdentifiers."
            )
        }
        var pattern: FilterPattern?
        if let text = input.logEventFilterPattern, !text.isEmpty {
            do { pattern = try FilterPattern(text) } catch {
                throw CloudWatchLogsError.invalidParameter(
                    "Invalid filter pattern: \(error.message)\(error.offset > 0 ? " at \(error.offset)" : "")")
            }
        }
        let unique = groups.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        try await cloudWatchLogs {
            for group in unique where try await store.logGroup(name: group) == nil {
                throw CloudWatchLogsError.notFound("The specified log group does not exist: \(group).")
            }
        }
        return LiveTailFilter(
            groups: unique, streamNames: input.logStreamNames, streamNamePrefixes: input.logStreamNamePrefixes,
            pattern: pattern)
    }

    /// A list as AWS's validation messages print one: `[a, b]`.
    static func listText(_ list: [String]) -> String { "[" + list.joined(separator: ", ") + "]" }
}
