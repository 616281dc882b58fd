import Foundation
import Testing

/// `vigil logs …` and `vigil metrics …` end to end: what the aws CLI would print, and its errors.
struct LogsCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a group's life: create, retention, stream, events, filter, metric, describe, delete")
    func groupLifecycle() async throws {
        let dir = NSTemporaryDirectory() + "vigil-logs-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = CLITests()
        let d = ["--data-dir", dir]
        func ok(_ args: [String]) async throws -> String { try await cli.output(args, dataDirectory: dir) }
        _ = try await ok(["logs", "create-log-group", "--log-group-name", "app", "--tags", "Team=Sec"])
        _ = try await ok(["logs", "put-retention-policy", "--log-group-name", "app", "--retention-in-days", "30"])
        _ = try await ok([
            "logs", "put-metric-filter", "--log-group-name", "app", "--filter-name", "errors", "--filter-pattern",
            "ERROR",
            "--metric-transformations", #"[{"metricName":"Errors","metricNamespace":"App","metricValue":"1"}]"#,
        ])
        let r = try await cli.run(
            ["ingest", "file", "--log-group", "app", "--log-stream", "web-1", "-"] + d,
            stdin: "INFO ok\nERROR bad\nERROR worse\n")
        #expect(r.status == 0 && r.stdout.contains("ingested 3 events"))
        let groups = try await json(try ok(["logs", "describe-log-groups"]))["logGroups"] as? [[String: Any]]
        #expect(groups?.first?["retentionInDays"] as? Int == 30 && groups?.first?["metricFilterCount"] as? Int == 1)
        let events = try await json(
            try ok([
                "logs", "get-log-events", "--log-group-name", "app", "--log-stream-name", "web-1", "--start-from-head",
            ]))
        #expect(
            (events["events"] as? [[String: Any]])?.compactMap { $0["message"] as? String } == [
                "INFO ok", "ERROR bad", "ERROR worse",
            ])
        let stats = try await json(
            try ok([
                "metrics", "get-metric-statistics", "--namespace", "App", "--metric-name", "Errors", "--statistics",
                "Sum", "--period", "3600",
            ]))
        #expect((stats["Datapoints"] as? [[String: Any]])?.first?["Sum"] as? Double == 2)
        let tags = try await json(try ok(["logs", "list-tags-log-group", "--log-group-name", "app"]))
        #expect(tags["tags"] as? [String: String] == ["Team": "Sec"])
        _ = try await ok(["logs", "delete-log-group", "--log-group-name", "app"])
        let missing = try await cli.run(["logs", "describe-log-streams", "--log-group-name", "app"] + d)
        #expect(
            missing.status == 254
                && missing.stderr.contains("(ResourceNotFoundException) when calling the DescribeLogStreams operation"))
    }
}
