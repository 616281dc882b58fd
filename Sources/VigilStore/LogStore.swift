public import VigilMetrics

/// Persistence of log groups, streams, events and metric filters. Implementations keep each call
/// atomic; `append` writes events and the datapoints they produced in one transaction.
public protocol LogStore: Sendable {
    func createLogGroup(name: String, retentionInDays: Int?, tags: [String: String], now: Int64) throws
    func deleteLogGroup(name: String) throws
    func logGroup(name: String) throws -> LogGroupRecord?
    /// Groups in name order, after `afterName`, at most `limit`.
    func logGroups(prefix: String?, afterName: String?, limit: Int) throws -> [LogGroupRecord]
    func setRetention(group: String, days: Int?) throws
    /// The group's retention in days (nil: never expire); ResourceNotFoundException for a missing group.
    func retention(group: String) throws -> Int?
    func tags(group: String) throws -> [String: String]
    /// Adds or replaces tags; fails (changing nothing) if the group would have more than `maximum`.
    func tag(group: String, _ tags: [String: String], maximum: Int) throws
    func untag(group: String, keys: [String]) throws

    func createLogStream(group: String, name: String, now: Int64) throws
    func deleteLogStream(group: String, name: String) throws
    /// Whether the stream exists (throws ResourceNotFoundException for a missing group).
    func hasLogStream(group: String, name: String) throws -> Bool
    /// Streams ordered by name (ascending unless `descending`), or by last event time; `offset` pages.
    func logStreams(group: String, prefix: String?, order: StreamOrder, descending: Bool, offset: Int, limit: Int)
        throws -> [LogStreamRecord]

    /// Stores `events` (already validated, in timestamp order) and `datapoints` together; returns how many were stored.
    @discardableResult
    func append(
        group: String, stream: String, events: [NewLogEvent], datapoints: MinuteAggregator, ingestionTime: Int64
    ) throws -> Int
    /// Events of `group` matching `query`, in (timestamp, id) order (reversed when not forward).
    func events(group: String, _ query: EventQuery) throws -> [StoredLogEvent]
    /// Deletes events older than each group's retention; returns how many were deleted.
    func applyRetention(now: Int64) throws -> Int

    /// Creates or updates a filter; creating one beyond `maximumPerGroup` fails with LimitExceededException.
    func putMetricFilter(_ filter: MetricFilterRecord, maximumPerGroup: Int) throws
    func deleteMetricFilter(group: String, name: String) throws
    func metricFilters(group: String?) throws -> [MetricFilterRecord]
}

/// Persistence of metric aggregates: per second (high resolution, 3 hours), per minute, and rolled up
/// to 5 minutes and 1 hour as they age.
/// One metric's aggregates over a time range, oldest first, with its dimensions as stored (canonical).
public struct MetricAggregates: Sendable {
    public let key: MetricKey
    public let canonicalDimensions: String
    public var periods: [(start: Int64, values: StatisticSet)]
}

public protocol MetricStore: Sendable {
    /// Adds the aggregates of `datapoints`, published at `now` (for ListMetrics' RecentlyActive).
    func record(_ datapoints: MinuteAggregator, now: Int64) throws
    /// The dimension combinations (``MetricKey/canonicalDimensions``) of the metric `namespace`/`name`/`unit`
    /// that have data with a start in [start, end).
    func dimensionCombinations(namespace: String, name: String, unit: String, start: Int64, end: Int64) throws
        -> [String]
    /// The aggregates of `key` with start in [start, end): per second when `highResolution`, else at
    /// every coarser resolution held (which never overlap), oldest first.
    /// Without `distributions`, the sets carry none (faster when no percentile is asked for).
    func aggregates(_ key: MetricKey, start: Int64, end: Int64, highResolution: Bool, distributions: Bool) throws -> [(
        Int64, StatisticSet
    )]
    /// Sums, counts, minima and maxima of `key` per period of `periodMilliseconds` (aligned to the epoch),
    /// merged by the store itself: GetMetricStatistics without percentiles.
    func periodTotals(_ key: MetricKey, start: Int64, end: Int64, highResolution: Bool, periodMilliseconds: Int64)
        throws -> [(Int64, StatisticSet)]
    /// Every metric's aggregates with start in [start, end), at the coarse resolutions or per second:
    /// what one alarm evaluation tick reads, in one query.
    func allAggregates(start: Int64, end: Int64, highResolution: Bool, distributions: Bool) throws -> [MetricAggregates]
    /// Metrics by namespace and name (nil: any), optionally only those published to since `activeSince`.
    func metrics(namespace: String?, name: String?, activeSince: Int64?) throws -> [MetricKey]
    /// Applies CloudWatch's retention schedule at `now` (see ``MetricRetention``).
    func rollUp(now: Int64) throws -> MetricRetention.Summary
}

extension MetricStore {
    /// ``aggregates(_:start:end:highResolution:distributions:)`` with distributions.
    public func aggregates(_ key: MetricKey, start: Int64, end: Int64, highResolution: Bool) throws -> [(
        Int64, StatisticSet
    )] {
        try aggregates(key, start: start, end: end, highResolution: highResolution, distributions: true)
    }
}
