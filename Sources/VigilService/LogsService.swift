import Foundation
import Synchronization
public import VigilAPI
public import VigilMetrics
public import VigilPatterns
public import VigilStore

/// CloudWatch Logs' operations with AWS's validation, names and errors, over a storage backend.
///
/// Each operation takes and returns its ``CloudWatchLogs`` input and output; refusals are
/// ``CloudWatchLogsError``s. Ingest applies every metric filter of the group to each accepted event
/// and stores the events and the datapoints in one transaction.
public final class LogsService: Sendable {
    public let store: any StoreBackend
    let now: @Sendable () -> Int64
    /// Compiled filters per group, valid for one ``LogStore/metricFiltersVersion()``: all are dropped
    /// when any process changes a filter.
    let compiled = Mutex<(version: Int64, groups: [String: GroupFilters])>((-1, [:]))

    /// The account and Region of every log group ARN.
    public let account: AWSAccount

    /// `now` returns milliseconds since the epoch (injectable for tests).
    public init(store: any StoreBackend, now: (@Sendable () -> Int64)? = nil, account: AWSAccount = .standard) {
        self.store = store
        self.account = account
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    // MARK: groups

    /// CreateLogGroup, with its tags (at most 50).
    public func createLogGroup(_ input: CloudWatchLogs.CreateLogGroupInput) async throws {
        try Self.checkGroupName(input.logGroupName)
        let tags = input.tags ?? [:]
        try Self.checkTags(tags, field: "tags")
        guard tags.count <= TagRules.maximumTags else {
            throw CloudWatchLogsError.invalidParameter(
                "A log group can have at most \(TagRules.maximumTags) tags; \(tags.count) were given.")
        }
        try await cloudWatchLogs {
            try await store.createLogGroup(name: input.logGroupName, retentionInDays: nil, tags: tags, now: now())
        }
    }

    /// Creates the group unless it exists (file ingest, and the CLI's put-metric-filter).
    public func ensureLogGroup(_ name: String) async throws {
        do { try await createLogGroup(.init(logGroupName: name)) } catch let e as CloudWatchLogsError
            where e.code == .resourceAlreadyExists
        {}
    }

    /// Creates the stream unless it exists.
    public func ensureLogStream(group: String, name: String) async throws {
        do { try await createLogStream(.init(logGroupName: group, logStreamName: name)) } catch let e
            as CloudWatchLogsError
            where e.code == .resourceAlreadyExists
        {}
    }

    /// DeleteLogGroup: the group with its streams, events and metric filters.
    public func deleteLogGroup(_ input: CloudWatchLogs.DeleteLogGroupInput) async throws {
        try Self.checkGroupName(input.logGroupName)
        try await cloudWatchLogs { try await store.deleteLogGroup(name: input.logGroupName) }
    }

    /// DescribeLogGroups: one page of groups in name order; `limit` 1…50 (default 50).
    public func describeLogGroups(_ input: CloudWatchLogs.DescribeLogGroupsInput = .init()) async throws
        -> CloudWatchLogs.DescribeLogGroupsOutput
    {
        let limit = try Self.checkLimit(input.limit, maximum: 50, field: "limit")
        let after = try input.nextToken.map { (t) throws -> String in
            guard let name = PageToken.decode(t) else { throw PageToken.invalidLogsToken }
            return name
        }
        let page = try await store.logGroups(prefix: input.logGroupNamePrefix, afterName: after, limit: limit + 1)
        let groups = page.prefix(limit)
        return .init(
            logGroups: groups.map { g in
                CloudWatchLogs.LogGroup(
                    logGroupName: g.name, creationTime: g.creationTime,
                    retentionInDays: g.retentionInDays.map(Int32.init),
                    metricFilterCount: Int32(clamping: g.metricFilterCount), arn: arn(g.name) + ":*",
                    storedBytes: g.storedBytes, logGroupArn: arn(g.name))
            },
            nextToken: page.count > limit ? groups.last.map { PageToken.encode($0.name) } : nil)
    }

    /// A log group's ARN: `arn:aws:logs:REGION:ACCOUNT:log-group:NAME` (docs/logs.md).
    public func arn(_ group: String) -> String { account.logGroupARN(group) }

    /// PutRetentionPolicy: one of AWS's retention periods.
    public func putRetentionPolicy(_ input: CloudWatchLogs.PutRetentionPolicyInput) async throws {
        let days = Int(input.retentionInDays)
        guard LogsLimits.retentionDays.contains(days) else {
            throw CloudWatchLogsError.constraint(
                "\(days)", "retentionInDays",
                "Member must satisfy enum value set: \(LogsLimits.retentionDays.map(String.init).joined(separator: ", "))"
            )
        }
        try await cloudWatchLogs { try await store.setRetention(group: input.logGroupName, days: days) }
    }

    /// DeleteRetentionPolicy: the group's events are kept forever.
    public func deleteRetentionPolicy(_ input: CloudWatchLogs.DeleteRetentionPolicyInput) async throws {
        try await cloudWatchLogs { try await store.setRetention(group: input.logGroupName, days: nil) }
    }

    // MARK: tags

    /// TagResource: adds or replaces tags of the log group an ARN names; at most 50 per group.
    public func tagResource(_ input: CloudWatchLogs.TagResourceInput) async throws {
        try await tag(try Self.logGroupName(arn: input.resourceArn), input.tags)
    }

    /// TagLogGroup, the older form of TagResource.
    public func tagLogGroup(_ input: CloudWatchLogs.TagLogGroupInput) async throws {
        try await tag(input.logGroupName, input.tags)
    }

    func tag(_ group: String, _ tags: [String: String]) async throws {
        guard !tags.isEmpty else {
            throw CloudWatchLogsError.constraint("{}", "tags", "Member must have length greater than or equal to 1")
        }
        try Self.checkTags(tags, field: "tags")
        try await cloudWatchLogs { try await store.tag(group: group, tags, maximum: TagRules.maximumTags) }
    }

    /// UntagResource: removes the keys given; missing keys are ignored.
    public func untagResource(_ input: CloudWatchLogs.UntagResourceInput) async throws {
        try await untag(try Self.logGroupName(arn: input.resourceArn), input.tagKeys)
    }

    /// UntagLogGroup, the older form of UntagResource.
    public func untagLogGroup(_ input: CloudWatchLogs.UntagLogGroupInput) async throws {
        try await untag(input.logGroupName, input.tags)
    }

    func untag(_ group: String, _ keys: [String]) async throws {
        guard !keys.isEmpty, keys.count <= 50 else {
            throw CloudWatchLogsError.constraint(
                "\(keys.count) items", "tagKeys", "Member must have length between 1 and 50")
        }
        try await cloudWatchLogs { try await store.untag(group: group, keys: keys) }
    }

    /// ListTagsForResource.
    public func listTagsForResource(_ input: CloudWatchLogs.ListTagsForResourceInput) async throws
        -> CloudWatchLogs.ListTagsForResourceOutput
    {
        let group = try Self.logGroupName(arn: input.resourceArn)
        return .init(tags: try await cloudWatchLogs { try await store.tags(group: group) })
    }

    /// ListTagsLogGroup, the older form of ListTagsForResource.
    public func listTagsLogGroup(_ input: CloudWatchLogs.ListTagsLogGroupInput) async throws
        -> CloudWatchLogs.ListTagsLogGroupOutput
    {
        .init(tags: try await cloudWatchLogs { try await store.tags(group: input.logGroupName) })
    }

    /// The log group an ARN names: `arn:aws:logs:REGION:ACCOUNT:log-group:NAME` (a trailing `:*` allowed).
    public static func logGroupName(arn: String) throws -> String {
        let parts = arn.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "arn", parts[2] == "logs", parts[5] == "log-group" else {
            throw CloudWatchLogsError.invalidParameter(
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
        throw CloudWatchLogsError.invalidParameter(
            key.count > 128 || key.isEmpty || (tags[key]?.count ?? 0) > 256
                ? CloudWatchLogsError.constraint(
                    key, "\(field).key", "Member must have length between 1 and 128 (values at most 256)"
                ).message : message)
    }

    // MARK: streams

    /// CreateLogStream.
    public func createLogStream(_ input: CloudWatchLogs.CreateLogStreamInput) async throws {
        guard LogsLimits.isValidStreamOrFilterName(input.logStreamName) else {
            throw CloudWatchLogsError.constraint(
                input.logStreamName, "logStreamName",
                "Member must satisfy regular expression pattern: [^:*]* and have length between 1 and 512")
        }
        try await cloudWatchLogs {
            try await store.createLogStream(group: input.logGroupName, name: input.logStreamName, now: now())
        }
    }

    /// DeleteLogStream: the stream and its events.
    public func deleteLogStream(_ input: CloudWatchLogs.DeleteLogStreamInput) async throws {
        try await cloudWatchLogs {
            try await store.deleteLogStream(group: input.logGroupName, name: input.logStreamName)
        }
    }

    /// DescribeLogStreams: one page; `limit` 1…50 (default 50). AWS forbids a prefix with LastEventTime order.
    public func describeLogStreams(_ input: CloudWatchLogs.DescribeLogStreamsInput) async throws
        -> CloudWatchLogs.DescribeLogStreamsOutput
    {
        let group = try Self.group(input.logGroupName, input.logGroupIdentifier)
        let order: StreamOrder = input.orderBy == .lastEventTime ? .lastEventTime : .logStreamName
        if input.logStreamNamePrefix != nil && order == .lastEventTime {
            throw CloudWatchLogsError.invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
        }
        let limit = try Self.checkLimit(input.limit, maximum: 50, field: "limit")
        let offset =
            try input.nextToken.map { (t) throws -> Int in
                guard let n = PageToken.decodeOffset(t) else { throw PageToken.invalidLogsToken }
                return n
            } ?? 0
        let page = try await cloudWatchLogs {
            try await store.logStreams(
                group: group, prefix: input.logStreamNamePrefix, order: order, descending: input.descending ?? false,
                offset: offset, limit: limit + 1)
        }
        let streams = page.prefix(limit)
        return .init(
            logStreams: streams.map { s in
                CloudWatchLogs.LogStream(
                    logStreamName: s.name, creationTime: s.creationTime, firstEventTimestamp: s.firstEventTimestamp,
                    lastEventTimestamp: s.lastEventTimestamp, lastIngestionTime: s.lastIngestionTime,
                    arn: arn(group) + ":log-stream:" + s.name, storedBytes: s.storedBytes)
            },
            nextToken: page.count > limit ? PageToken.encodeOffset(offset + limit) : nil)
    }

    /// The group an operation names by `logGroupName` or by `logGroupIdentifier` (a name or an ARN), not both.
    static func group(_ name: String?, _ identifier: String?) throws -> String {
        switch (name, identifier) {
        case (let name?, nil): return name
        case (nil, let identifier?):
            return identifier.hasPrefix("arn:") ? try logGroupName(arn: identifier) : identifier
        case (nil, nil):
            throw CloudWatchLogsError.invalidParameter("Either logGroupName or logGroupIdentifier must be specified.")
        default:
            throw CloudWatchLogsError.invalidParameter("logGroupName and logGroupIdentifier cannot both be specified.")
        }
    }

    // MARK: events

    /// PutLogEvents as the API takes it: the messages become the events' bytes, then
    /// ``putLogEvents(group:stream:events:offset:)``.
    public func putLogEvents(_ input: CloudWatchLogs.PutLogEventsInput) async throws
        -> CloudWatchLogs.PutLogEventsOutput
    {
        try await putLogEvents(
            group: input.logGroupName, stream: input.logStreamName,
            events: input.logEvents.map { NewLogEvent(timestamp: $0.timestamp, message: Array($0.message.utf8)) }
        ).output
    }

    /// PutLogEvents on bytes (files and the API alike): validates the batch, applies the group's
    /// metric filters and stores both in one transaction, with `offset` when a file source is read.
    @discardableResult
    public func putLogEvents(group: String, stream: String, events: [NewLogEvent], offset: IngestOffset? = nil)
        async throws
        -> PutLogEventsResult
    {
        try await append(group: group, stream: stream, events: events, offset: offset, history: false)
    }

    /// PutLogEvents for archived logs (CloudTrail files): events of any age are accepted, except those
    /// older than the group's retention, which are reported as expired. Every other check applies.
    public func importLogEvents(group: String, stream: String, events: [NewLogEvent], offset: IngestOffset? = nil)
        async throws -> PutLogEventsResult
    {
        try await append(group: group, stream: stream, events: events, offset: offset, history: true)
    }

    func append(group: String, stream: String, events: [NewLogEvent], offset: IngestOffset?, history: Bool) async throws
        -> PutLogEventsResult
    {
        // The model's constraints come before any lookup, as on AWS: an empty batch is refused as such
        // even for a group that does not exist.
        if events.isEmpty { _ = try LogEventBatch.check(events, now: 0, retentionInDays: nil) }
        return try await cloudWatchLogs {
            let retention = try await store.retention(group: group)
            let at = now()
            let (accepted, result) = try LogEventBatch.check(
                events, now: at, retentionInDays: retention, history: history)
            let filters = try await filters(for: group)
            try await filters.seedCardinality(for: events[accepted]) { key, hour in
                try await store.dimensionCombinations(
                    namespace: key.namespace, name: key.name, unit: key.unit, start: hour, end: hour + 3_600_000)
            }
            var (datapoints, warnings, matches) = filters.datapoints(for: events[accepted])
            EmbeddedMetrics.extract(from: events[accepted], into: &datapoints)
            try await store.append(
                group: group, stream: stream, events: Array(events[accepted]), datapoints: datapoints,
                ingestionTime: at,
                offset: offset)
            ServiceMetrics.ingested(events: accepted.count, filterMatches: matches)
            var answer = result
            answer.warnings = warnings
            answer.nextSequenceToken = SequenceToken.next(at: at)
            return answer
        }
    }

    /// GetLogEvents: one stream, oldest first from the head or newest last from the tail, with tokens.
    public func getLogEvents(_ input: CloudWatchLogs.GetLogEventsInput) async throws
        -> CloudWatchLogs.GetLogEventsOutput
    {
        let group = try Self.group(input.logGroupName, input.logGroupIdentifier)
        let limit = try Self.checkLimit(input.limit, maximum: 10_000, field: "limit", defaultValue: 10_000)
        var forward = input.startFromHead ?? false
        var after: EventCursor?
        if let nextToken = input.nextToken {
            let (direction, cursor) = try EventToken.decode(nextToken)
            forward = direction
            after = cursor
        }
        return try await cloudWatchLogs {
            guard try await store.hasLogStream(group: group, name: input.logStreamName) else {
                throw CloudWatchLogsError.logStreamNotFound
            }
            var page = try await store.events(
                group: group,
                EventQuery(
                    streamNames: [input.logStreamName], startTime: input.startTime, endTime: input.endTime,
                    after: after,
                    forward: forward, limit: limit))
            if !forward { page.reverse() }
            // Tokens point past each end of the page; on an empty page they stay where they were.
            let first = page.first.map { EventCursor(timestamp: $0.timestamp, id: $0.id) } ?? after
            let last = page.last.map { EventCursor(timestamp: $0.timestamp, id: $0.id) } ?? after
            return .init(
                events: page.map {
                    CloudWatchLogs.OutputLogEvent(
                        timestamp: $0.timestamp, message: String(decoding: $0.message, as: UTF8.self),
                        ingestionTime: $0.ingestionTime)
                }, nextForwardToken: EventToken.encode(forward: true, last),
                nextBackwardToken: EventToken.encode(forward: false, first))
        }
    }

    /// FilterLogEvents: events of the group matching `filterPattern`, in time order, paged by `nextToken`.
    public func filterLogEvents(_ input: CloudWatchLogs.FilterLogEventsInput) async throws
        -> CloudWatchLogs.FilterLogEventsOutput
    {
        let group = try Self.group(input.logGroupName, input.logGroupIdentifier)
        if input.logStreamNames != nil && input.logStreamNamePrefix != nil {
            throw CloudWatchLogsError.invalidParameter(
                "logStreamNames and logStreamNamePrefix cannot both be specified.")
        }
        let limit = try Self.checkLimit(input.limit, maximum: 10_000, field: "limit", defaultValue: 10_000)
        var pattern: FilterPattern?
        if let filterPattern = input.filterPattern {
            do { pattern = try FilterPattern(filterPattern) } catch {
                throw CloudWatchLogsError.invalidParameter(
                    "Invalid filter pattern: \(error.message) at \(error.offset)")
            }
        }
        var after = try input.nextToken.map { try EventToken.decode($0).1 } ?? nil
        var out: [StoredLogEvent] = []
        func output(_ token: String?) -> CloudWatchLogs.FilterLogEventsOutput {
            .init(
                events: out.map { e in
                    CloudWatchLogs.FilteredLogEvent(
                        logStreamName: e.streamName, timestamp: e.timestamp,
                        message: String(decoding: e.message, as: UTF8.self), ingestionTime: e.ingestionTime,
                        eventId: String(e.id))
                }, nextToken: token)
        }
        // Scan in pages until `limit` matches or the end; the token is the position of the last event examined.
        while out.count < limit {
            let page = try await cloudWatchLogs {
                try await store.events(
                    group: group,
                    EventQuery(
                        streamNames: input.logStreamNames, streamNamePrefix: input.logStreamNamePrefix,
                        startTime: input.startTime, endTime: input.endTime, after: after, limit: 1_000))
            }
            for e in page {
                after = EventCursor(timestamp: e.timestamp, id: e.id)
                if pattern.map({ p in e.message.withUnsafeBufferPointer { p.matches($0) } }) ?? true {
                    out.append(e)
                    if out.count == limit { return output(EventToken.encode(forward: true, after)) }
                }
            }
            if page.count < 1_000 { break }
        }
        return output(nil)
    }

    // MARK: metric filters

    /// PutMetricFilter: compiles the pattern and transformations first; at most 100 filters per group.
    public func putMetricFilter(_ input: CloudWatchLogs.PutMetricFilterInput) async throws {
        guard LogsLimits.isValidStreamOrFilterName(input.filterName) else {
            throw CloudWatchLogsError.constraint(
                input.filterName, "filterName",
                "Member must satisfy regular expression pattern: [^:*]* and have length between 1 and 512")
        }
        let transformations = input.metricTransformations
        guard transformations.count == 1 else {
            throw CloudWatchLogsError.constraint(
                "\(transformations.count) items", "metricTransformations",
                "Member must have length less than or equal to 1")
        }
        for t in transformations {
            for name in (t.dimensions ?? [:]).keys.sorted() {
                if let reason = DimensionRules.nameProblem(name) {
                    throw CloudWatchLogsError.invalidParameter(
                        "Invalid metric filter: the dimension name '\(name)' in metricTransformations \(reason).")
                }
            }
            do { _ = try MetricFilter(pattern: input.filterPattern, transformation: Self.transformation(t)) } catch {
                throw CloudWatchLogsError.invalidParameter(
                    "Invalid metric filter: \(error.message)\(error.offset > 0 ? " at \(error.offset)" : "")")
            }
        }
        try await cloudWatchLogs {
            try await store.putMetricFilter(
                MetricFilterRecord(
                    logGroupName: input.logGroupName, name: input.filterName, pattern: input.filterPattern,
                    transformations: (try? AWSCLIJSON.compact(transformations)) ?? "[]", creationTime: now()),
                maximumPerGroup: LogsLimits.maximumMetricFiltersPerGroup)
        }
    }

    /// DeleteMetricFilter (its metrics stay).
    public func deleteMetricFilter(_ input: CloudWatchLogs.DeleteMetricFilterInput) async throws {
        try await cloudWatchLogs {
            try await store.deleteMetricFilter(group: input.logGroupName, name: input.filterName)
        }
    }

    /// DescribeMetricFilters: by group, name prefix, or metric name and namespace.
    public func describeMetricFilters(_ input: CloudWatchLogs.DescribeMetricFiltersInput = .init()) async throws
        -> CloudWatchLogs.DescribeMetricFiltersOutput
    {
        if (input.metricName == nil) != (input.metricNamespace == nil) {
            throw CloudWatchLogsError.invalidParameter("metricName and metricNamespace must be specified together.")
        }
        if input.filterNamePrefix != nil && input.logGroupName == nil {
            throw CloudWatchLogsError.invalidParameter("filterNamePrefix requires logGroupName.")
        }
        let filters = try await cloudWatchLogs { try await store.metricFilters(group: input.logGroupName) }.compactMap {
            f -> CloudWatchLogs.MetricFilter? in
            let transformations = Self.storedTransformations(f.transformations)
            if let prefix = input.filterNamePrefix, !f.name.hasPrefix(prefix) { return nil }
            if let name = input.metricName,
                !transformations.contains(where: {
                    $0.metricName == name && $0.metricNamespace == input.metricNamespace
                })
            {
                return nil
            }
            return CloudWatchLogs.MetricFilter(
                filterName: f.name, filterPattern: f.pattern, metricTransformations: transformations,
                creationTime: f.creationTime, logGroupName: f.logGroupName)
        }
        return .init(metricFilters: filters)
    }

    /// TestMetricFilter: which of the messages the pattern matches and what it extracts (no store).
    public static func testMetricFilter(_ input: CloudWatchLogs.TestMetricFilterInput) throws(FilterPatternError)
        -> CloudWatchLogs.TestMetricFilterOutput
    {
        let matches = try TestMetricFilter.run(
            filterPattern: input.filterPattern, logEventMessages: input.logEventMessages)
        return .init(
            matches: matches.map { m in
                CloudWatchLogs.MetricFilterMatchRecord(
                    eventNumber: Int64(m.eventNumber), eventMessage: m.eventMessage,
                    extractedValues: OrderedMap(m.orderedExtractedValues))
            })
    }

    /// The transformations of a stored filter (written by ``putMetricFilter(_:)``).
    static func storedTransformations(_ text: String) -> [CloudWatchLogs.MetricTransformation] {
        (try? APIDecoder.decode([CloudWatchLogs.MetricTransformation].self, from: Array(text.utf8))) ?? []
    }

    /// The API's transformation as the pattern compiler takes it.
    public static func transformation(_ t: CloudWatchLogs.MetricTransformation) -> MetricTransformation {
        MetricTransformation(
            metricName: t.metricName, metricNamespace: t.metricNamespace, metricValue: t.metricValue,
            defaultValue: t.defaultValue, dimensions: t.dimensions, unit: t.unit?.rawValue)
    }

    func filters(for group: String) async throws -> GroupFilters {
        // Read before the filters: a change between the two reads shows as a newer version next time.
        let version = try await store.metricFiltersVersion()
        let cached = compiled.withLock { cache -> GroupFilters? in
            if cache.version != version { cache = (version, [:]) }
            return cache.groups[group]
        }
        if let cached { return cached }
        let built = try GroupFilters(try await store.metricFilters(group: group))
        compiled.withLock { if $0.version == version { $0.groups[group] = built } }
        return built
    }

    // MARK: metrics

    /// The metric API on the same store and clock.
    public var metrics: MetricsService { MetricsService(store: store, now: now) }

    /// GetMetricStatistics' periods for one series (see ``MetricsService/statistics(_:start:end:period:)``).
    public func metricStatistics(_ key: MetricKey, start: Int64, end: Int64, periodSeconds: Int) async throws
        -> [StatisticsQuery.PeriodResult]
    {
        try await metrics.statistics(key, start: start, end: end, period: periodSeconds)
    }

    // MARK: helpers

    static func checkGroupName(_ name: String) throws {
        guard LogsLimits.isValidLogGroupName(name) else {
            throw CloudWatchLogsError.constraint(
                name, "logGroupName",
                "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ and have length between 1 and 512"
            )
        }
    }

    static func checkLimit(_ limit: Int32?, maximum: Int, field: String, defaultValue: Int? = nil) throws -> Int {
        guard let limit else { return defaultValue ?? maximum }
        guard (1...maximum).contains(Int(limit)) else {
            throw CloudWatchLogsError.constraint("\(limit)", field, "Member must have value between 1 and \(maximum)")
        }
        return Int(limit)
    }
}
