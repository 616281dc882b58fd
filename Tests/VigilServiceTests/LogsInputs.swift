import Foundation
import VigilAPI
import VigilPatterns
import VigilService

/// A log event as the tests read it back from GetLogEvents and FilterLogEvents.
struct ReadEvent: Equatable {
    let id: String?
    let streamName: String?
    let timestamp: Int64
    let ingestionTime: Int64
    let message: [UInt8]
}

/// A log group, stream or metric filter as the tests compare it.
struct GroupRow: Equatable {
    let name: String
    let retentionInDays: Int?
    let metricFilterCount: Int
    let storedBytes: Int64
}

struct StreamRow: Equatable {
    let name: String
    let firstEventTimestamp: Int64?
    let lastEventTimestamp: Int64?
    let lastIngestionTime: Int64?
    let storedBytes: Int64
}

struct FilterRow: Equatable {
    let name: String
    let pattern: String
    let logGroupName: String
}

/// CloudWatch Logs' operations called with the aws CLI's flags, building the typed inputs and reading the
/// typed outputs back: the tests keep their shape while the service takes and returns the API's types.
extension LogsService {
    func createLogGroup(_ name: String, tags: [String: String] = [:]) async throws {
        try await createLogGroup(.init(logGroupName: name, tags: tags.isEmpty ? nil : tags))
    }

    func deleteLogGroup(_ name: String) async throws { try await deleteLogGroup(.init(logGroupName: name)) }

    func describeLogGroups(prefix: String? = nil, limit: Int32? = nil, nextToken: String? = nil) async throws
        -> (groups: [GroupRow], nextToken: String?)
    {
        let out = try await describeLogGroups(.init(logGroupNamePrefix: prefix, nextToken: nextToken, limit: limit))
        return (
            (out.logGroups ?? []).map {
                GroupRow(
                    name: $0.logGroupName ?? "", retentionInDays: $0.retentionInDays.map(Int.init),
                    metricFilterCount: Int($0.metricFilterCount ?? 0), storedBytes: $0.storedBytes ?? 0)
            }, out.nextToken
        )
    }

    func putRetentionPolicy(_ group: String, days: Int32) async throws {
        try await putRetentionPolicy(.init(logGroupName: group, retentionInDays: days))
    }

    func deleteRetentionPolicy(_ group: String) async throws {
        try await deleteRetentionPolicy(.init(logGroupName: group))
    }

    func createLogStream(group: String, name: String) async throws {
        try await createLogStream(.init(logGroupName: group, logStreamName: name))
    }

    func deleteLogStream(group: String, name: String) async throws {
        try await deleteLogStream(.init(logGroupName: group, logStreamName: name))
    }

    func describeLogStreams(
        group: String, prefix: String? = nil, orderBy: CloudWatchLogs.OrderBy? = nil, descending: Bool = false,
        limit: Int32? = nil, nextToken: String? = nil
    ) async throws -> (streams: [StreamRow], nextToken: String?) {
        let out = try await describeLogStreams(
            .init(
                logGroupName: group, logStreamNamePrefix: prefix, orderBy: orderBy, descending: descending,
                nextToken: nextToken, limit: limit))
        return (
            (out.logStreams ?? []).map {
                StreamRow(
                    name: $0.logStreamName ?? "", firstEventTimestamp: $0.firstEventTimestamp,
                    lastEventTimestamp: $0.lastEventTimestamp, lastIngestionTime: $0.lastIngestionTime,
                    storedBytes: $0.storedBytes ?? 0)
            }, out.nextToken
        )
    }

    func getLogEvents(
        group: String, stream: String, startTime: Int64? = nil, endTime: Int64? = nil, startFromHead: Bool = false,
        limit: Int32? = nil, nextToken: String? = nil
    ) async throws -> (events: [ReadEvent], nextForwardToken: String, nextBackwardToken: String) {
        let out = try await getLogEvents(
            .init(
                logGroupName: group, logStreamName: stream, startTime: startTime, endTime: endTime,
                nextToken: nextToken,
                limit: limit, startFromHead: startFromHead))
        return (
            (out.events ?? []).map {
                ReadEvent(
                    id: nil, streamName: nil, timestamp: $0.timestamp ?? 0, ingestionTime: $0.ingestionTime ?? 0,
                    message: Array(($0.message ?? "").utf8))
            }, out.nextForwardToken ?? "", out.nextBackwardToken ?? ""
        )
    }

    func filterLogEvents(
        group: String, filterPattern: String? = nil, streamNames: [String]? = nil, streamNamePrefix: String? = nil,
        startTime: Int64? = nil, endTime: Int64? = nil, limit: Int32? = nil, nextToken: String? = nil
    ) async throws -> (events: [ReadEvent], nextToken: String?) {
        let out = try await filterLogEvents(
            .init(
                logGroupName: group, logStreamNames: streamNames, logStreamNamePrefix: streamNamePrefix,
                startTime: startTime, endTime: endTime, filterPattern: filterPattern, nextToken: nextToken, limit: limit
            ))
        return (
            (out.events ?? []).map {
                ReadEvent(
                    id: $0.eventId, streamName: $0.logStreamName, timestamp: $0.timestamp ?? 0,
                    ingestionTime: $0.ingestionTime ?? 0, message: Array(($0.message ?? "").utf8))
            }, out.nextToken
        )
    }

    /// PutMetricFilter with the pattern compiler's transformations, sent as a client's JSON would be.
    func putMetricFilter(group: String, name: String, pattern: String, transformations: [MetricTransformation])
        async throws
    {
        let json = String(decoding: try JSONEncoder().encode(transformations), as: UTF8.self)
        let decoded = try APIInputs.cloudWatchLogs([CloudWatchLogs.MetricTransformation].self, json)
        try await putMetricFilter(
            .init(logGroupName: group, filterName: name, filterPattern: pattern, metricTransformations: decoded))
    }

    func deleteMetricFilter(group: String, name: String) async throws {
        try await deleteMetricFilter(.init(logGroupName: group, filterName: name))
    }

    func describeMetricFilters(
        group: String? = nil, namePrefix: String? = nil, metricName: String? = nil, metricNamespace: String? = nil
    ) async throws -> [FilterRow] {
        try await describeMetricFilters(
            .init(
                logGroupName: group, filterNamePrefix: namePrefix, metricName: metricName,
                metricNamespace: metricNamespace)
        ).metricFilters?.map {
            FilterRow(name: $0.filterName ?? "", pattern: $0.filterPattern ?? "", logGroupName: $0.logGroupName ?? "")
        } ?? []
    }

    func tagLogGroup(_ group: String, tags: [String: String]) async throws {
        try await tagLogGroup(.init(logGroupName: group, tags: tags))
    }

    func untagLogGroup(_ group: String, keys: [String]) async throws {
        try await untagLogGroup(.init(logGroupName: group, tags: keys))
    }

    func listTags(_ group: String) async throws -> [String: String] {
        try await listTagsLogGroup(.init(logGroupName: group)).tags ?? [:]
    }
}
