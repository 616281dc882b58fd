/// A closed set of values an AWS member takes (ComparisonOperator, StandardUnit, StateValue, …):
/// decoded by ``APIDecoder`` with an error that lists the values accepted.
public protocol APIEnumeration: Sendable, Hashable {
    /// The value as AWS spells it.
    var apiValue: String { get }
    init?(apiValue: String)
    /// Every value, in the model's order (for error messages).
    static var apiValues: [String] { get }
}

extension APIEnumeration where Self: RawRepresentable, RawValue == String, Self: CaseIterable {
    public var apiValue: String { rawValue }
    public init?(apiValue: String) { self.init(rawValue: apiValue) }
    public static var apiValues: [String] { allCases.map(\.rawValue) }
}
