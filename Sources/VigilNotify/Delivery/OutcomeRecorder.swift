import VigilStore

/// Delivery outcomes written in group commits: many attempts' records share one transaction (and its
/// fsync), across subscriptions and along one subscription's run of deliveries.
///
/// An attempt ``submit(_:_:)``s its outcome and goes on; before the subscription's next delivery is
/// chosen from the store, ``flush(through:)`` waits until everything submitted up to then is committed.
/// A crash before the commit loses only records, never deliveries: those are sent again (at least once,
/// with the same MessageId).
actor OutcomeRecorder {
    let store: any StoreBackend
    var buffer: [(deliveryID: Int64, outcome: DeliveryOutcome)] = []
    var submitted = 0
    var committed = 0
    var writing = false
    var waiters: [(through: Int, continuation: CheckedContinuation<Void, any Error>)] = []

    init(store: any StoreBackend) {
        self.store = store
    }

    /// Queues an outcome; its ticket for ``flush(through:)``.
    func submit(_ deliveryID: Int64, _ outcome: DeliveryOutcome) -> Int {
        buffer.append((deliveryID, outcome))
        submitted += 1
        return submitted
    }

    /// Returns once every outcome up to `ticket` is committed; throws what the store threw for it.
    func flush(through ticket: Int) async throws {
        if committed >= ticket { return }
        if writing {
            try await withCheckedThrowingContinuation { waiters.append((ticket, $0)) }
            return
        }
        writing = true
        defer { writing = false }
        while !buffer.isEmpty {
            let batch = buffer
            let top = submitted
            buffer = []
            do {
                try await store.record(batch)
                committed = top
                resume { $0 <= top }
            } catch {
                // These records are lost: their deliveries stay pending and are sent again.
                committed = top
                resume(throwing: error) { $0 <= top }
                if top >= ticket { throw error }
            }
        }
    }

    func resume(throwing error: (any Error)? = nil, _ done: (Int) -> Bool) {
        var rest: [(through: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        for w in waiters {
            guard done(w.through) else {
                rest.append(w)
                continue
            }
            if let error { w.continuation.resume(throwing: error) } else { w.continuation.resume() }
        }
        waiters = rest
    }
}
