import Testing
import VigilAPI
import VigilService
import VigilStore

/// Tags on log groups: TagResource, UntagResource, ListTagsForResource, with AWS's limits.
struct TagTests {
    func service() throws -> LogsService {
        let s = LogsService(store: try SQLiteLogStore(path: ":memory:"))
        try s.createLogGroup("CloudTrail/DefaultLogGroup", tags: ["Team": "Security"])
        return s
    }

    @Test("tags are added, replaced, removed and listed; ARNs name the group")
    func roundTrip() throws {
        let s = try service()
        let group = try LogsService.logGroupName(
            arn: "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/DefaultLogGroup:*")
        #expect(group == "CloudTrail/DefaultLogGroup")
        try s.tagLogGroup(group, tags: ["Env": "prod", "Team": "SecOps"])
        #expect(try s.listTags(group) == ["Env": "prod", "Team": "SecOps"])
        try s.untagLogGroup(group, keys: ["Env", "Missing"])
        #expect(try s.listTags(group) == ["Team": "SecOps"])
    }

    @Test("more than 50 tags, reserved or oversized keys, and unknown groups are refused, changing nothing")
    func limits() throws {
        let s = try service()
        let g = "CloudTrail/DefaultLogGroup"
        let many = Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") })
        #expect(throws: CloudWatchLogsError.self) { try s.tagLogGroup(g, tags: many) }  // 50 + the existing one
        #expect(try s.listTags(g) == ["Team": "Security"])
        #expect(throws: CloudWatchLogsError.self) { try s.tagLogGroup(g, tags: ["aws:owner": "x"]) }
        #expect(throws: CloudWatchLogsError.self) {
            try s.tagLogGroup(g, tags: [String(repeating: "k", count: 129): "x"])
        }
        #expect(throws: CloudWatchLogsError.logGroupNotFound) { try s.tagLogGroup("missing", tags: ["a": "b"]) }
        #expect(throws: CloudWatchLogsError.self) { try LogsService.logGroupName(arn: "arn:aws:s3:::bucket") }
        let error = #expect(throws: CloudWatchLogsError.self) { try s.tagLogGroup(g, tags: many) }
        #expect(error?.code.queryCode == "TooManyTagsException")
    }
}
