public import Hummingbird
public import NIOCore

/// The request context of Vigil's routes: Hummingbird's basic context, and a future that completes when
/// the request's connection closes, so that a stream whose client went away ends then, not at its next
/// write (a `GET /_vigil/tail` that shows nothing writes only a keep-alive every 5 seconds, and would
/// hold its session slot until one failed).
public struct VigilRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Completes when the connection the request came on closes.
    public let connectionClosed: EventLoopFuture<Void>

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        connectionClosed = source.channel.closeFuture
    }
}
