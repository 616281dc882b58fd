/// A message attribute: its name, data type (`String`, `String.Array`, `Number`, `Binary`, or one of
/// those with a custom suffix) and value (Base64 for Binary).
public struct MessageAttribute: Sendable, Equatable {
    public let name: String
    public let dataType: String
    public let value: String

    public init(name: String, dataType: String, value: String) {
        self.name = name
        self.dataType = dataType
        self.value = value
    }
}
