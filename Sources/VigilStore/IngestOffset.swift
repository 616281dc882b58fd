/// How far a file source has been ingested: its identity (device and inode, or a content hash) and byte offset.
public struct IngestOffset: Sendable, Equatable {
    /// The source, e.g. an absolute path or `cloudtrail:<path>`.
    public let source: String
    public let identity: String
    public let offset: Int64
    public init(source: String, identity: String, offset: Int64) {
        self.source = source
        self.identity = identity
        self.offset = offset
    }
}

/// Where ingest records its progress through file sources, committed with the events it read
/// (``LogStore/append(group:stream:events:datapoints:ingestionTime:offset:)``).
public protocol IngestOffsetStore: Sendable {
    func offset(source: String) async throws -> IngestOffset?
    /// Records progress that comes without events (a source with nothing to ingest).
    func record(_ offset: IngestOffset) async throws
}
