public import VigilMetrics

/// Persistence of log groups, streams, events and metric filters.
///
/// Guarantees every backend keeps (the contract suite in `Tests/VigilStoreTests/StoreContract*`
/// checks them):
/// - Each call is one transaction: it happens whole or not at all, and a failed call changes nothing.
/// - A read sees one consistent snapshot: every write acknowledged before it started, no part of one
///   still in progress.
/// - Refusals are ``StoreError``s (`notFound`, `alreadyExists`, `limitExceeded`), never partial writes.
/// - Listings are ordered as each call says, so pages cut from them are stable.
public protocol LogStore: Sendable {
    /// Creates a group; `alreadyExists(.logGroup)` if it exists.
    func createLogGroup(name: String, retentionInDays: Int?, tags: [String: String], now: Int64) async throws
    /// Deletes a group with its streams, events, tags and metric filters.
    func deleteLogGroup(name: String) async throws
    func logGroup(name: String) async throws -> LogGroupRecord?
    /// Groups in name order (byte order), with `prefix` (matched byte for byte, no wildcards), after
    /// `afterName`, at most `limit`.
    func logGroups(prefix: String?, afterName: String?, limit: Int) async throws -> [LogGroupRecord]
    func setRetention(group: String, days: Int?) async throws
    /// The group's retention in days (nil: never expire); `notFound(.logGroup)` for a missing group.
    func retention(group: String) async throws -> Int?
    func tags(group: String) async throws -> [String: String]
    /// Adds or replaces tags; `limitExceeded(.tagsPerResource)` (changing nothing) if the group would
    /// have more than `maximum`.
    func tag(group: String, _ tags: [String: String], maximum: Int) async throws
    func untag(group: String, keys: [String]) async throws

    func createLogStream(group: String, name: String, now: Int64) async throws
    func deleteLogStream(group: String, name: String) async throws
    /// Whether the stream exists (`notFound(.logGroup)` for a missing group).
    func hasLogStream(group: String, name: String) async throws -> Bool
    /// Streams ordered by name (ascending unless `descending`), or by last event time then name;
    /// `offset` pages.
    func logStreams(group: String, prefix: String?, order: StreamOrder, descending: Bool, offset: Int, limit: Int)
        async throws -> [LogStreamRecord]

    /// Stores `events` (already validated) with the datapoints they produced and, when a file source
    /// is read, how far it has been read, all in one transaction: after a crash either all of it is
    /// there or none, so a rerun neither loses nor counts twice. Returns how many events were stored.
    /// Event ids grow with every event stored in the database.
    @discardableResult
    func append(
        group: String, stream: String, events: [NewLogEvent], datapoints: MinuteAggregator, ingestionTime: Int64,
        offset: IngestOffset?
    ) async throws -> Int
    /// Events of `group` matching `query`, in (timestamp, id) order (reversed when not forward).
    func events(group: String, _ query: EventQuery) async throws -> [StoredLogEvent]
    /// Events of `groups` (those that exist) with ids after `id`, in id order — the order their writes
    /// committed in — as the batches they were stored in, at most `limit` events in all.
    func committedEvents(groups: [String], after id: Int64, limit: Int) async throws -> [CommittedLogEvents]
    /// The id the next event stored will have: every id below it belongs to a committed write.
    func nextEventID() async throws -> Int64
    /// Where this process hears of each batch committed (``LogEventFeed``).
    var logEventFeed: LogEventFeed { get }
    /// Deletes events older than each group's retention (shrinking their streams' stored bytes);
    /// returns how many were deleted.
    func applyRetention(now: Int64) async throws -> Int

    /// Creates or updates a filter (an update keeps its creation time); creating one beyond
    /// `maximumPerGroup` is `limitExceeded(.metricFiltersPerGroup)`.
    func putMetricFilter(_ filter: MetricFilterRecord, maximumPerGroup: Int) async throws
    func deleteMetricFilter(group: String, name: String) async throws
    /// A number that grows whenever a metric filter is created, changed or deleted (a log group's
    /// deletion included) by any process on the store: a process that caches compiled filters compares
    /// it before each batch, so filters changed elsewhere apply from the next batch on.
    func metricFiltersVersion() async throws -> Int64
    /// Filters of one group, or of all, in (group, name) order.
    func metricFilters(group: String?) async throws -> [MetricFilterRecord]
}

extension LogStore {
    /// ``append(group:stream:events:datapoints:ingestionTime:offset:)`` without a file source.
    @discardableResult
    public func append(
        group: String, stream: String, events: [NewLogEvent], datapoints: MinuteAggregator, ingestionTime: Int64
    ) async throws -> Int {
        try await append(
            group: group, stream: stream, events: events, datapoints: datapoints, ingestionTime: ingestionTime,
            offset: nil)
    }
}

/// One metric's aggregates over a time range, oldest first, with its dimensions as stored (canonical).
public struct MetricAggregates: Sendable {
    public let key: MetricKey
    public let canonicalDimensions: String
    public var periods: [(start: Int64, values: StatisticSet)]
}

/// Persistence of metric aggregates: per second (high resolution, 3 hours), per minute, and rolled up
/// to 5 minutes and 1 hour as they age. Each call is one transaction, as for ``LogStore``; merging
/// datapoints into a period that already holds some adds them (sums, counts, minima, maxima and
/// distributions combine), whatever the order of the writes.
public protocol MetricStore: Sendable {
    /// Adds the aggregates of `datapoints`, published at `now` (for ListMetrics' RecentlyActive).
    func record(_ datapoints: MinuteAggregator, now: Int64) async throws
    /// The dimension combinations (``MetricKey/canonicalDimensions``) of the metric `namespace`/`name`/`unit`
    /// that have data with a start in [start, end).
    func dimensionCombinations(namespace: String, name: String, unit: String, start: Int64, end: Int64) async throws
        -> [String]
    /// The aggregates of `key` with start in [start, end): per second when `highResolution`, else at
    /// every coarser resolution held (which never overlap), oldest first.
    /// Without `distributions`, the sets carry none (faster when no percentile is asked for).
    func aggregates(_ key: MetricKey, start: Int64, end: Int64, highResolution: Bool, distributions: Bool) async throws
        -> [(Int64, StatisticSet)]
    /// Sums, counts, minima and maxima of `key` per period of `periodMilliseconds` (aligned to the epoch),
    /// merged by the store itself: GetMetricStatistics without percentiles.
    func periodTotals(_ key: MetricKey, start: Int64, end: Int64, highResolution: Bool, periodMilliseconds: Int64)
        async throws -> [(Int64, StatisticSet)]
    /// Every metric's aggregates with start in [start, end), at the coarse resolutions or per second:
    /// what one alarm evaluation tick reads, in one snapshot.
    func allAggregates(start: Int64, end: Int64, highResolution: Bool, distributions: Bool) async throws
        -> [MetricAggregates]
    /// Metrics by namespace and name (nil: any), optionally only those published to since `activeSince`,
    /// in (namespace, name, dimensions, unit) order.
    func metrics(namespace: String?, name: String?, activeSince: Int64?) async throws -> [MetricKey]
    /// Applies CloudWatch's retention schedule at `now` (see ``MetricRetention``).
    func rollUp(now: Int64) async throws -> MetricRetention.Summary
}

extension MetricStore {
    /// ``aggregates(_:start:end:highResolution:distributions:)`` with distributions.
    public func aggregates(_ key: MetricKey, start: Int64, end: Int64, highResolution: Bool) async throws
        -> [(Int64, StatisticSet)]
    {
        try await aggregates(key, start: start, end: end, highResolution: highResolution, distributions: true)
    }
}

/// Everything Vigil keeps: what a storage backend implements (SQLite today, PostgreSQL for
/// deployments that outgrow one machine). The services hold one of these and nothing more specific.
public protocol StoreBackend: LogStore, MetricStore, AlarmStore, IngestOffsetStore, LeaseStore, NotificationStore {}
