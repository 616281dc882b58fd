/// Why the store refused or failed a call, in its own terms: each service words these as its API
/// does (a missing log group is CloudWatch Logs' ResourceNotFoundException, a missing alarm
/// CloudWatch's ResourceNotFound). Plain SQLite failures are ``SQLiteError``s.
public enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The database was written by a newer Vigil.
    case newerSchema(path: String, found: Int, supported: Int)
    case migrationFailed(name: String, underlying: String)
    /// Stored data that cannot be read back.
    case corrupt(String)
    /// A resource the call names does not exist.
    case notFound(Resource)
    /// A resource the call would create exists already.
    case alreadyExists(Resource)
    /// The call would take a resource past one of the store's limits; nothing was changed.
    case limitExceeded(Limit, maximum: Int, count: Int)

    /// What a store holds, by name.
    public enum Resource: Sendable, Equatable {
        case logGroup(String)
        case logStream(String)
        case metricFilter(String)
        case alarm(String)
        case topic(String)
        case subscription(String)
    }

    /// The limits the store itself checks (inside the transaction that would pass them).
    public enum Limit: Sendable, Equatable {
        case metricFiltersPerGroup
        case tagsPerResource
    }

    public var description: String {
        switch self {
        case .newerSchema(let path, let found, let supported):
            "\(path) has schema version \(found), but this vigil understands versions up to \(supported); it was written by a newer vigil. Upgrade vigil, or point --data-dir at another directory."
        case .migrationFailed(let name, let underlying):
            "migration '\(name)' failed: \(underlying)"
        case .corrupt(let what):
            "the database is damaged: \(what)"
        case .notFound(let r): "\(r) does not exist"
        case .alreadyExists(let r): "\(r) already exists"
        case .limitExceeded(let limit, let maximum, let count): "\(limit) would be \(count), above \(maximum)"
        }
    }
}
