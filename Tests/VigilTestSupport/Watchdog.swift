public import Foundation
import Synchronization

/// A deadline on a child process: if it still runs when the deadline passes, it is killed (SIGKILL), so a
/// test waiting for it fails and says why instead of hanging the whole run.
public final class Watchdog: Sendable {
    private let state = Mutex<(cancelled: Bool, fired: Bool)>((false, false))
    /// How long the process was given.
    public let seconds: Double

    /// Watches `process` (already running) for `seconds`.
    public init(_ process: Process, seconds: Double) {
        self.seconds = seconds
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            let kill = state.withLock { state -> Bool in
                guard !state.cancelled, process.isRunning else { return false }
                state.fired = true
                return true
            }
            if kill { _ = Glibc.kill(pid, SIGKILL) }
        }
    }

    /// True if the deadline passed with the process still running (and it was killed).
    public var fired: Bool { state.withLock { $0.fired } }

    /// Stops watching (the process ended in time).
    public func cancel() { state.withLock { $0.cancelled = true } }

    /// Why the process ended, for a test's message: empty unless the watchdog killed it.
    public var verdict: String { fired ? "\n[killed: still running after \(Int(seconds)) s]" : "" }
}

extension Process {
    /// Waits for the process to end, at most `seconds`; past that it is killed. False if it had to be.
    public func waitUntilExit(within seconds: Double) -> Bool {
        let watchdog = Watchdog(self, seconds: seconds)
        waitUntilExit()
        watchdog.cancel()
        return !watchdog.fired
    }
}
