/// `--filter-pattern=` (an option given an empty value, as scripts write it so that a value such as
/// `-DEBUG` is not taken for an option) means the empty value, as it does for the aws CLI;
/// swift-argument-parser would read it as the option without a value. Rewritten as `--filter-pattern ""`
/// before parsing; arguments after `--` are left alone.
enum EmptyOptionValue {
    static func rewrite(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var options = true
        for argument in arguments {
            if argument == "--" { options = false }
            if options, argument.hasPrefix("--"), argument.count > 3, argument.hasSuffix("="),
                argument.firstIndex(of: "=") == argument.index(before: argument.endIndex)
            {
                out += [String(argument.dropLast()), ""]
            } else {
                out.append(argument)
            }
        }
        return out
    }
}
