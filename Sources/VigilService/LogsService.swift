import Foundation
import Synchronization
public import VigilMetrics
public import VigilPatterns
public import VigilStore

/// CloudWatch Logs' operations with AWS's validation, names and errors, over a ``SQLiteLogStore``.
///
/// Ingest applies every metric filter of the group to each accepted event and stores the events and
/// the datapoints in one transaction.
public final class LogsService: Sendable {
    public let store: SQLiteLogStore
    let now: @Sendable () -> Int64
    /// Compiled filters per group, dropped whenever a filter of the group changes.
    let compiled = Mutex<[String: GroupFilters]>([:])

    /// `now` returns milliseconds since the epoch (injectable for tests).
    public init(store: SQLiteLogStore, now: (@Sendable () -> Int64)? = nil) {
        self.store = store
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    // MARK: groups and streams

    public func createLogGroup(_ name: String, tags: [String: String] = [:]) throws {
        try Self.checkGroupName(name)
        try Self.checkTags(tags, field: "tags")
        guard tags.count <= TagRules.maximumTags else {
            throw ServiceError.invalidParameter(
                "A log group can have at most \(TagRules.maximumTags) tags; \(tags.count) were given.")
        }
        try store.createLogGroup(name: name, retentionInDays: nil, tags: tags, now: now())
    }

    // MARK: tags

    /// TagResource (and the older TagLogGroup): adds or replaces tags; at most 50 per group.
    public func tagLogGroup(_ group: String, tags: [String: String]) throws {
        guard !tags.isEmpty else {
            throw ServiceError.invalidParameter(
                LogsLimits.constraint("{}", "tags", "Member must have length greater than or equal to 1"))
        }
        try Self.checkTags(tags, field: "tags")
        try store.tag(group: group, tags, maximum: TagRules.maximumTags)
    }

    /// UntagResource (UntagLogGroup): removes the keys given; missing keys are ignored.
    public func untagLogGroup(_ group: String, keys: [String]) throws {
        guard !keys.isEmpty, keys.count <= 50 else {
            throw ServiceError.invalidParameter(
                LogsLimits.constraint("\(keys.count) items", "tagKeys", "Member must have length between 1 and 50"))
        }
        try store.untag(group: group, keys: keys)
    }

    /// ListTagsForResource (ListTagsLogGroup).
    public func listTags(_ group: String) throws -> [String: String] { try store.tags(group: group) }

    /// The log group an ARN names: `arn:aws:logs:REGION:ACCOUNT:log-group:NAME` (a trailing `:*` allowed).
    public static func logGroupName(arn: String) throws -> String {
        let parts = arn.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "arn", parts[2] == "logs", parts[5] == "log-group" else {
            throw ServiceError.invalidParameter(
                "The ARN \(arn) is not a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME).")
        }
        var name = String(parts[6])
        if name.hasSuffix(":*") { name.removeLast(2) }
        try checkGroupName(name)
        return name
    }

    /// ``TagRules``, reported as CloudWatch Logs reports them.
    static func checkTags(_ tags: [String: String], field: String) throws {
        guard let (key, message) = TagRules.problem(tags) else { return }
        throw ServiceError.invalidParameter(
            key.count > 128 || key.isEmpty || (tags[key]?.count ?? 0) > 256
                ? LogsLimits.constraint(
                    key, "\(field).key", "Member must have length between 1 and 128 (values at most 256)") : message)
    }

    public func deleteLogGroup(_ name: String) throws {
        try Self.checkGroupName(name)
        try store.deleteLogGroup(name: name)
        compiled.withLock { _ = $0.removeValue(forKey: name) }
    }

    /// One page of DescribeLogGroups: `limit` 1…50 (default 50); `nextToken` continues after the last name.
    public func describeLogGroups(prefix: String? = nil, limit: Int? = nil, nextToken: String? = nil) throws -> (
        groups: [LogGroupRecord], nextToken: String?
    ) {
        let limit = try Self.checkLimit(limit, maximum: 50, field: "limit")
        let after = try nextToken.map { try PageToken.decode($0) }
        let page = try store.logGroups(prefix: prefix, afterName: after, limit: limit + 1)
        let groups = Array(page.prefix(limit))
        return (groups, page.count > limit ? PageToken.encode(groups.last!.name) : nil)
    }

    public func putRetentionPolicy(_ group: String, days: Int) throws {
        guard LogsLimits.retentionDays.contains(days) else {
            throw ServiceError.invalidParameter(
                LogsLimits.constraint(
                    "\(days)", "retentionInDays",
                    "Member must satisfy enum value set: \(LogsLimits.retentionDays.map(String.init).joined(separator: ", "))"
                ))
        }
        try store.setRetention(group: group, days: days)
    }

    public func deleteRetentionPolicy(_ group: String) throws { try store.setRetention(group: group, days: nil) }

    public func createLogStream(group: String, name: String) throws {
        guard LogsLimits.isValidStreamOrFilterName(name) else {
            throw ServiceError.invalidParameter(
                LogsLimits.constraint(
                    name, "logStreamName",
                    "Member must satisfy regular expression pattern: [^:*]* and have length between 1 and 512"))
        }
        try store.createLogStream(group: group, name: name, now: now())
    }

    public func deleteLogStream(group: String, name: String) throws {
        try store.deleteLogStream(group: group, name: name)
    }

    /// One page of DescribeLogStreams; `limit` 1…50 (default 50). AWS forbids a prefix with LastEventTime order.
    public func describeLogStreams(
        group: String, prefix: String? = nil, orderBy: StreamOrder = .logStreamName, descending: Bool = false,
        limit: Int? = nil, nextToken: String? = nil
    ) throws -> (streams: [LogStreamRecord], nextToken: String?) {
        if prefix != nil && orderBy == .lastEventTime {
            throw ServiceError.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
        }
        let limit = try Self.checkLimit(limit, maximum: 50, field: "limit")
        let offset =
            try nextToken.map {
                try PageToken.decodeOffset($0, invalid: .invalidParameter("The specified nextToken is invalid."))
            } ?? 0
        let page = try store.logStreams(
            group: group, prefix: prefix, order: orderBy, descending: descending, offset: offset, limit: limit + 1)
        let streams = Array(page.prefix(limit))
        return (streams, page.count > limit ? PageToken.encodeOffset(offset + limit) : nil)
    }

    // MARK: events

    /// PutLogEvents: validates the batch, applies the group's metric filters and stores both in one transaction.
    @discardableResult
    public func putLogEvents(group: String, stream: String, events: [NewLogEvent], offset: IngestOffset? = nil) throws
        -> PutLogEventsResult
    {
        try append(group: group, stream: stream, events: events, offset: offset, history: false)
    }

    /// PutLogEvents for archived logs (CloudTrail files): events of any age are accepted, except those
    /// older than the group's retention, which are reported as expired. Every other check applies.
    public func importLogEvents(group: String, stream: String, events: [NewLogEvent], offset: IngestOffset? = nil)
        throws -> PutLogEventsResult
    {
        try append(group: group, stream: stream, events: events, offset: offset, history: true)
    }

    func append(group: String, stream: String, events: [NewLogEvent], offset: IngestOffset?, history: Bool) throws
        -> PutLogEventsResult
    {
        let retention = try store.retention(group: group)
        let at = now()
        let (accepted, result) = try LogEventBatch.check(events, now: at, retentionInDays: retention, history: history)
        var (datapoints, warnings) = try filters(for: group).datapoints(for: events[accepted]) { key, hour in
            try store.dimensionCombinations(
                namespace: key.namespace, name: key.name, unit: key.unit, start: hour, end: hour + 3_600_000)
        }
        EmbeddedMetrics.extract(from: events[accepted], into: &datapoints)
        try store.append(
            group: group, stream: stream, events: Array(events[accepted]), datapoints: datapoints, ingestionTime: at,
            offset: offset)
        var answer = result
        answer.warnings = warnings
        return answer
    }

    /// GetLogEvents: one stream, oldest first from the head or newest last from the tail, with tokens.
    public func getLogEvents(
        group: String, stream: String, startTime: Int64? = nil, endTime: Int64? = nil, startFromHead: Bool = false,
        limit: Int? = nil, nextToken: String? = nil
    ) throws -> (events: [StoredLogEvent], nextForwardToken: String, nextBackwardToken: String) {
        let limit = try Self.checkLimit(limit, maximum: 10_000, field: "limit", defaultValue: 10_000)
        var forward = startFromHead
        var after: EventCursor?
        if let nextToken {
            let (direction, cursor) = try EventToken.decode(nextToken)
            forward = direction
            after = cursor
        }
        guard try store.hasLogStream(group: group, name: stream) else { throw ServiceError.logStreamNotFound }
        var page = try store.events(
            group: group,
            EventQuery(
                streamNames: [stream], startTime: startTime, endTime: endTime, after: after,
                forward: forward, limit: limit))
        if !forward { page.reverse() }
        // Tokens point past each end of the page; on an empty page they stay where they were.
        let first = page.first.map { EventCursor(timestamp: $0.timestamp, id: $0.id) } ?? after
        let last = page.last.map { EventCursor(timestamp: $0.timestamp, id: $0.id) } ?? after
        return (page, EventToken.encode(forward: true, last), EventToken.encode(forward: false, first))
    }

    /// FilterLogEvents: events of the group matching `filterPattern`, in time order, paged by `nextToken`.
    public func filterLogEvents(
        group: String, filterPattern: String? = nil, streamNames: [String]? = nil, streamNamePrefix: String? = nil,
        startTime: Int64? = nil, endTime: Int64? = nil, limit: Int? = nil,
        nextToken: String? = nil
    ) throws -> (events: [StoredLogEvent], nextToken: String?) {
        if streamNames != nil && streamNamePrefix != nil {
            throw ServiceError.invalidParameter("logStreamNames and logStreamNamePrefix cannot both be specified.")
        }
        let limit = try Self.checkLimit(limit, maximum: 10_000, field: "limit", defaultValue: 10_000)
        var pattern: FilterPattern?
        if let filterPattern {
            do { pattern = try FilterPattern(filterPattern) } catch {
                throw ServiceError.invalidParameter("Invalid filter pattern: \(error.message) at \(error.offset)")
            }
        }
        var after = try nextToken.map { try EventToken.decode($0).1 } ?? nil
        var out: [StoredLogEvent] = []
        // Scan in pages until `limit` matches or the end; the token is the position of the last event examined.
        while out.count < limit {
            let page = try store.events(
                group: group,
                EventQuery(
                    streamNames: streamNames, streamNamePrefix: streamNamePrefix, startTime: startTime,
                    endTime: endTime, after: after, limit: 1_000))
            for e in page {
                after = EventCursor(timestamp: e.timestamp, id: e.id)
                if pattern.map({ p in e.message.withUnsafeBufferPointer { p.matches($0) } }) ?? true {
                    out.append(e)
                    if out.count == limit { return (out, EventToken.encode(forward: true, after)) }
                }
            }
            if page.count < 1_000 { break }
        }
        return (out, nil)
    }

    // MARK: metric filters

    /// PutMetricFilter: compiles the pattern and transformations first; at most 100 filters per group.
    public func putMetricFilter(group: String, name: String, pattern: String, transformations: [MetricTransformation])
        throws
    {
        guard LogsLimits.isValidStreamOrFilterName(name) else {
            throw ServiceError.invalidParameter(
                LogsLimits.constraint(
                    name, "filterName",
                    "Member must satisfy regular expression pattern: [^:*]* and have length between 1 and 512"))
        }
        guard transformations.count == 1 else {
            throw ServiceError.invalidParameter(
                LogsLimits.constraint(
                    "\(transformations.count) items", "metricTransformations",
                    "Member must have length less than or equal to 1"))
        }
        for t in transformations {
            do { _ = try MetricFilter(pattern: pattern, transformation: t) } catch {
                throw ServiceError.invalidParameter(
                    "Invalid metric filter: \(error.message)\(error.offset > 0 ? " at \(error.offset)" : "")")
            }
        }
        try store.putMetricFilter(
            MetricFilterRecord(
                logGroupName: group, name: name, pattern: pattern,
                transformations: Self.encodeTransformations(transformations), creationTime: now()),
            maximumPerGroup: LogsLimits.maximumMetricFiltersPerGroup)
        compiled.withLock { _ = $0.removeValue(forKey: group) }
    }

    public func deleteMetricFilter(group: String, name: String) throws {
        try store.deleteMetricFilter(group: group, name: name)
        compiled.withLock { _ = $0.removeValue(forKey: group) }
    }

    /// DescribeMetricFilters: by group, name prefix, or metric name and namespace.
    public func describeMetricFilters(
        group: String? = nil, namePrefix: String? = nil, metricName: String? = nil,
        metricNamespace: String? = nil
    ) throws -> [MetricFilterRecord] {
        if (metricName == nil) != (metricNamespace == nil) {
            throw ServiceError.invalidParameter("metricName and metricNamespace must be specified together.")
        }
        if namePrefix != nil && group == nil {
            throw ServiceError.invalidParameter("filterNamePrefix requires logGroupName.")
        }
        return try store.metricFilters(group: group).filter { f in
            (namePrefix.map { f.name.hasPrefix($0) } ?? true)
                && (metricName.map { n in
                    (try? Self.decodeTransformations(f.transformations))?.contains {
                        $0.metricName == n && $0.metricNamespace == metricNamespace
                    } ?? false
                } ?? true)
        }
    }

    func filters(for group: String) throws -> GroupFilters {
        if let cached = compiled.withLock({ $0[group] }) { return cached }
        let built = try GroupFilters(try store.metricFilters(group: group))
        compiled.withLock { $0[group] = built }
        return built
    }

    // MARK: metrics

    /// The metric API on the same store and clock.
    public var metrics: MetricsService { MetricsService(store: store, now: now) }

    /// GetMetricStatistics' periods for one series (see ``MetricsService/statistics(_:start:end:period:)``).
    public func metricStatistics(_ key: MetricKey, start: Int64, end: Int64, periodSeconds: Int) throws
        -> [StatisticsQuery.PeriodResult]
    {
        try metrics.statistics(key, start: start, end: end, period: periodSeconds)
    }

    // MARK: helpers

    static func checkGroupName(_ name: String) throws {
        guard LogsLimits.isValidLogGroupName(name) else {
            throw ServiceError.invalidParameter(
                LogsLimits.constraint(
                    name, "logGroupName",
                    "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ and have length between 1 and 512"
                ))
        }
    }

    static func checkLimit(_ limit: Int?, maximum: Int, field: String, defaultValue: Int? = nil) throws -> Int {
        guard let limit else { return defaultValue ?? maximum }
        guard (1...maximum).contains(limit) else {
            throw ServiceError.invalidParameter(
                LogsLimits.constraint("\(limit)", field, "Member must have value between 1 and \(maximum)"))
        }
        return limit
    }

    static func encodeTransformations(_ t: [MetricTransformation]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(t), as: UTF8.self)
    }

    static func decodeTransformations(_ text: String) throws -> [MetricTransformation] {
        try JSONDecoder().decode([MetricTransformation].self, from: Data(text.utf8))
    }
}
