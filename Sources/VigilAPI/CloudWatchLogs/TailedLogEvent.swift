/// A log event as a live tail shows it: in process (`LiveTailSession`), on the wire (StartLiveTail's
/// `sessionResults`, `GET /_vigil/tail`'s events), and as a client of a server reads it back (`RemoteLogTail`).
public struct TailedLogEvent: Sendable, Equatable {
    /// The event's id: events are numbered in the order their writes committed, across all groups.
    public let id: Int64
    public let group: String
    public let stream: String
    public let timestamp: Int64
    public let ingestionTime: Int64
    public let message: [UInt8]

    public init(id: Int64, group: String, stream: String, timestamp: Int64, ingestionTime: Int64, message: [UInt8]) {
        self.id = id
        self.group = group
        self.stream = stream
        self.timestamp = timestamp
        self.ingestionTime = ingestionTime
        self.message = message
    }
}
