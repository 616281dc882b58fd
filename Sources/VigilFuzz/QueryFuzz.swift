import VigilAPI
import VigilWire

/// An awsQuery form: parsed, made a tree of members, decoded into CloudWatch inputs with text scalars,
/// and the tree written as XML.
///
/// Properties: never traps; the XML of any tree has as many `<` as `>` (every text is escaped).
enum QueryFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let form = AWSQueryForm(bytes), let tree = try? AWSQueryMembers.tree(form.parameters) else { return }
        _ = try? APIDecoder.decode(CloudWatch.PutMetricDataInput.self, from: tree, textScalars: true)
        _ = try? APIDecoder.decode(CloudWatch.PutMetricAlarmInput.self, from: tree, textScalars: true)
        _ = try? APIDecoder.decode(CloudWatch.GetMetricDataInput.self, from: tree, textScalars: true)
        var xml = ""
        AWSQueryResponse.xml(tree, into: &xml)
        let opens = xml.utf8.count { $0 == UInt8(ascii: "<") }
        let closes = xml.utf8.count { $0 == UInt8(ascii: ">") }
        precondition(opens == closes, "unescaped text in XML")
    }
}
