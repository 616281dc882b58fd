import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM turned into a flag that long-running commands poll, so they stop after
/// committing what they have (the default action would kill them mid-write).
enum StopSignals {
    static let requested = Atomic<Bool>(false)

    static var stopRequested: Bool { requested.load(ordering: .relaxed) }

    /// Starts catching the signals; cancel the returned sources to give them back.
    static func install() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { StopSignals.requested.store(true, ordering: .relaxed) }
            source.resume()
            return source
        }
    }
}
