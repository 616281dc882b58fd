/// Errors of the store that are not plain SQLite failures.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// The database was written by a newer Vigil.
    case newerSchema(path: String, found: Int, supported: Int)
    case migrationFailed(name: String, underlying: String)
    /// Stored data that cannot be read back.
    case corrupt(String)

    public var description: String {
        switch self {
        case .newerSchema(let path, let found, let supported):
            "\(path) has schema version \(found), but this vigil understands versions up to \(supported); it was written by a newer vigil. Upgrade vigil, or point --data-dir at another directory."
        case .migrationFailed(let name, let underlying):
            "migration '\(name)' failed: \(underlying)"
        case .corrupt(let what):
            "the database is damaged: \(what)"
        }
    }
}
