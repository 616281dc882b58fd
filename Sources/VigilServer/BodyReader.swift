import Hummingbird
import NIOCore

/// Reads a request's body up to a size within a deadline: a client that sends a large body, or sends
/// its body too slowly to finish in time (one byte a minute keeps an idle timeout from ever firing), is
/// refused rather than holding a connection and a request slot. Each read names its size cap (the
/// operation's, when the operation is known before the body is read).
struct BodyReader: Sendable {
    let timeout: Duration

    enum Failure: Error, Equatable {
        case tooLarge
        case timedOut
    }

    /// What each failure is called in an error message.
    func message(_ failure: Failure, limit: Int) -> String {
        switch failure {
        case .tooLarge: "The request body is larger than \(limit) bytes, or could not be read."
        case .timedOut: "The request body did not arrive within \(timeout.components.seconds) seconds."
        }
    }

    /// The HTTP status of a failure: 413 Content Too Large, 408 Request Timeout.
    static func status(_ failure: Failure) -> Int { failure == .tooLarge ? 413 : 408 }

    func read(_ request: Request, limit: Int) async -> Result<[UInt8], Failure> {
        let timeout = timeout
        return await withTaskGroup(of: Result<[UInt8], Failure>.self) { group in
            group.addTask {
                var request = request
                do {
                    return .success(Array(try await request.collectBody(upTo: limit).readableBytesView))
                } catch {
                    return .failure(.tooLarge)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .failure(.timedOut)
            }
            let first = await group.next() ?? .failure(.timedOut)
            group.cancelAll()
            return first
        }
    }
}
