import Testing
import VigilAPI
import VigilService
import VigilStore

/// StartLiveTail's request as AWS checks it: the model's constraints, then the operation's rules, then
/// that the groups exist — each refusal AWS's exception, naming the member.
struct LiveTailFilterTests {
    static func service() async throws -> LogsService {
        let logs = LogsService(store: try SQLiteLogStore(path: ":memory:"))
        try await logs.createLogGroup("app")
        try await logs.createLogGroup("audit/trail")
        return logs
    }

    typealias Input = CloudWatchLogs.StartLiveTailInput

    @Test func namesAndARNsNameTheSameGroupsOnce() async throws {
        let logs = try await Self.service()
        let filter = try await logs.liveTailFilter(
            Input(logGroupIdentifiers: ["app", logs.arn("app"), logs.arn("audit/trail")], logEventFilterPattern: ""))
        #expect(filter.groups == ["app", "audit/trail"])
        #expect(filter.pattern == nil && filter.streamNames == nil && filter.streamNamePrefixes == nil)
        #expect(filter.selects(group: "app", stream: "anything") && !filter.selects(group: "other", stream: "s"))
    }

    @Test func streamNamesAndPrefixesSelectStreams() async throws {
        let logs = try await Self.service()
        let names = try await logs.liveTailFilter(Input(logGroupIdentifiers: ["app"], logStreamNames: ["a", "b"]))
        #expect(names.selects(group: "app", stream: "a") && !names.selects(group: "app", stream: "ab"))
        let prefixes = try await logs.liveTailFilter(
            Input(logGroupIdentifiers: ["app"], logStreamNamePrefixes: ["web-"]))
        #expect(prefixes.selects(group: "app", stream: "web-1") && !prefixes.selects(group: "app", stream: "worker"))
        let pattern = try await logs.liveTailFilter(Input(logGroupIdentifiers: ["app"], logEventFilterPattern: "ERROR"))
        #expect(pattern.matches(Array("an ERROR here".utf8)) && !pattern.matches(Array("fine".utf8)))
    }

    static let refusals: [(Input, String, String)] = [
        (Input(logGroupIdentifiers: []), "InvalidParameterException", "'logGroupIdentifiers'"),
        (
            Input(logGroupIdentifiers: Array(repeating: "app", count: 11)), "InvalidParameterException",
            "less than or equal to 10"
        ),
        (
            Input(logGroupIdentifiers: [String(repeating: "a", count: 2_049)]), "InvalidParameterException",
            "between 1 and 2048"
        ),
        (Input(logGroupIdentifiers: ["bad name!"]), "InvalidParameterException", "regular expression"),
        (
            Input(logGroupIdentifiers: ["arn:aws:logs:us-east-1:123456789012:log-group:app:*"]),
            "InvalidParameterException", "ends with '*'"
        ),
        (Input(logGroupIdentifiers: ["arn:aws:s3:::bucket"]), "InvalidParameterException", "not a log group ARN"),
        (Input(logGroupIdentifiers: ["app"], logStreamNames: []), "InvalidParameterException", "'logStreamNames'"),
        (
            Input(logGroupIdentifiers: ["app"], logStreamNamePrefixes: Array(repeating: "p", count: 101)),
            "InvalidParameterException", "less than or equal to 100"
        ),
        (Input(logGroupIdentifiers: ["app"], logStreamNames: ["a*"]), "InvalidParameterException", "[^:*]*"),
        (
            Input(logGroupIdentifiers: ["app"], logStreamNames: ["a"], logStreamNamePrefixes: ["b"]),
            "InvalidParameterException", "cannot both"
        ),
        (
            Input(logGroupIdentifiers: ["app", "audit/trail"], logStreamNamePrefixes: ["b"]),
            "InvalidParameterException", "only with one log group"
        ),
        (
            Input(logGroupIdentifiers: ["app"], logEventFilterPattern: String(repeating: "x", count: 1_025)),
            "InvalidParameterException", "less than or equal to 1024"
        ),
        (
            Input(logGroupIdentifiers: ["app"], logEventFilterPattern: "{ $.a = "), "InvalidParameterException",
            "Invalid filter pattern"
        ),
        (Input(logGroupIdentifiers: ["app", "nope"]), "ResourceNotFoundException", "nope"),
    ]

    @Test(arguments: refusals.indices)
    func aBadRequestIsRefusedSayingWhy(_ index: Int) async throws {
        let (input, type, words) = Self.refusals[index]
        let logs = try await Self.service()
        await #expect {
            _ = try await logs.liveTailFilter(input)
        } throws: { error in
            guard let error = error as? CloudWatchLogsError else { return false }
            return error.code.rawValue == type && error.message.contains(words)
        }
    }
}
