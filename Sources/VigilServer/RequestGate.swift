/// A bound on concurrent requests: at most ``capacity`` run at once, up to ``queueLimit`` more wait
/// their turn in arrival order, and any beyond that are turned away at once (the server answers 503
/// with `Retry-After`, which every SDK retries with backoff). Memory and store contention stay bounded
/// however many clients connect.
public actor RequestGate {
    public let capacity: Int
    public let queueLimit: Int
    var running = 0
    var waiting: [CheckedContinuation<Void, Never>] = []

    public init(capacity: Int, queueLimit: Int) {
        self.capacity = max(1, capacity)
        self.queueLimit = max(0, queueLimit)
    }

    /// Waits for a turn; false when the queue is full (the request must be refused).
    public func enter() async -> Bool {
        if running < capacity {
            running += 1
            return true
        }
        guard waiting.count < queueLimit else { return false }
        await withCheckedContinuation { waiting.append($0) }
        return true
    }

    /// Ends a turn: the longest-waiting request runs next.
    public func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Requests running and waiting, for tests and metrics.
    public var load: (running: Int, waiting: Int) { (running, waiting.count) }
}
