import Synchronization

/// Wakes a waiting loop early: the delivery engine waits on it between passes, and each finished
/// delivery rings it, so the next message of that subscriber goes out at once instead of at the
/// next poll; a live-tail session waits on one for the next batch of events.
public final class Doorbell: Sendable {
    struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when rung (at once if it was rung since the last wait), or after `timeout`.
    public func wait(timeout: Duration) async {
        let timer = Task {
            // Cancelled (the bell rang first): no ring, or the next wait would return at once, and
            // the one after it, a loop that never sleeps.
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.ring()
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.rung {
                    s.rung = false
                    return true
                }
                s.waiter = c
                return false
            }
            if now { c.resume() }
        }
        timer.cancel()
    }
}
