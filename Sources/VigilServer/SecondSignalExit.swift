import Dispatch
import Foundation
import Logging
import Synchronization

/// The second SIGTERM or SIGINT ends the process at once. The first starts the service group's graceful
/// shutdown (the requests in flight finish, what was acknowledged is already committed); an operator who
/// does not want to wait for that sends another, as with most servers.
///
/// Listens beside the service group (libdispatch hands each signal to every source that watches it) for
/// as long as the value lives.
final class SecondSignalExit {
    let sources: [any DispatchSourceSignal]

    init(logger: Logger) {
        let count = Mutex(0)
        sources = [SIGTERM, SIGINT].map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler {
                guard
                    count.withLock({
                        $0 += 1
                        return $0
                    }) >= 2
                else { return }
                logger.warning("second signal: exiting at once", metadata: ["signal": "\(signal)"])
                exit(128 + signal)
            }
            source.resume()
            return source
        }
    }

    deinit { for source in sources { source.cancel() } }
}
