import Synchronization

/// Rings, in this process, after a write that may have given the delivery engine work has committed
/// (deliveries queued, alarm notifications put in the outbox, dead deliveries redriven), so that the
/// engine starts at once instead of at its next poll. Writes by other processes do not ring it: their
/// work waits for the poll.
public final class OutboxBell: Sendable {
    let listeners = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    /// Calls `listener` after each ring, on the thread of the write that rang.
    public func listen(_ listener: @escaping @Sendable () -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    public func ring() {
        for listener in listeners.withLock({ $0 }) { listener() }
    }
}
