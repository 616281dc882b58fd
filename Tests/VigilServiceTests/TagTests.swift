import Testing
import VigilAPI
import VigilService
import VigilStore

/// Tags on log groups: TagResource, UntagResource, ListTagsForResource, with AWS's limits.
struct TagTests {
    func service() async throws -> LogsService {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"))
        try await s.createLogGroup("CloudTrail/DefaultLogGroup", tags: ["Team": "Security"])
        return s
    }

    @Test("tags are added, replaced, removed and listed; ARNs name the group")
    func roundTrip() async throws {
        let s = try await service()
        let group = try LogsService.logGroupName(
            arn: "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/DefaultLogGroup:*")
        #expect(group == "CloudTrail/DefaultLogGroup")
        try await s.tagLogGroup(group, tags: ["Env": "prod", "Team": "SecOps"])
        #expect(try await s.listTags(group) == ["Env": "prod", "Team": "SecOps"])
        try await s.untagLogGroup(group, keys: ["Env", "Missing"])
        #expect(try await s.listTags(group) == ["Team": "SecOps"])
    }

    @Test("more than 50 tags, reserved or oversized keys, and unknown groups are refused, changing nothing")
    func limits() async throws {
        let s = try await service()
        let g = "CloudTrail/DefaultLogGroup"
        let many = Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") })
        // 50 + the existing one
        await #expect(throws: CloudWatchLogsError.self) { try await s.tagLogGroup(g, tags: many) }
        #expect(try await s.listTags(g) == ["Team": "Security"])
        await #expect(throws: CloudWatchLogsError.self) { try await s.tagLogGroup(g, tags: ["aws:owner": "x"]) }
        await #expect(throws: CloudWatchLogsError.self) {
            try await s.tagLogGroup(g, tags: [String(repeating: "k", count: 129): "x"])
        }
        await #expect(throws: CloudWatchLogsError.logGroupNotFound) {
            try await s.tagLogGroup("missing", tags: ["a": "b"])
        }
        #expect(throws: CloudWatchLogsError.self) { try LogsService.logGroupName(arn: "arn:aws:s3:::bucket") }
        let error = await #expect(throws: CloudWatchLogsError.self) { try await s.tagLogGroup(g, tags: many) }
        #expect(error?.code.queryCode == "TooManyTagsException")
    }
}
