/// A named lease on a data directory, held by one process until it expires: what keeps a second
/// `vigil alarms run` from evaluating next to the first, and lets a crashed holder's lease lapse.
public struct Lease: Sendable, Equatable {
    public let name: String
    /// Who holds it, as the holder described itself (`pid 4242 on build-7, since 2026-12-01T10:00:00Z`).
    public let holder: String
    /// Milliseconds since the epoch at which the lease lapses unless renewed.
    public let expires: Int64

    public init(name: String, holder: String, expires: Int64) {
        self.name = name
        self.holder = holder
        self.expires = expires
    }
}

/// Leases, taken and renewed atomically.
public protocol LeaseStore: Sendable {
    /// Takes or renews lease `name` for `holder` until `until`, unless another holder's lease has not
    /// expired at `now`; one transaction. Returns the lease as it stands afterwards: `holder` holds it
    /// when the returned holder is theirs.
    func acquireLease(_ name: String, holder: String, now: Int64, until: Int64) async throws -> Lease
    /// Gives lease `name` up if `holder` holds it.
    func releaseLease(_ name: String, holder: String) async throws
}
