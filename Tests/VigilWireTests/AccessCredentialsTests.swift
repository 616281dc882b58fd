import Testing
import VigilWire

/// `--credentials FILE`: the aws CLI's INI shape, allowed actions with IAM's wildcards, and errors that
/// name the line.
@Suite struct AccessCredentialsTests {
    @Test func sectionsAreKeysAndAllowedActionsAreOptional() throws {
        let file = try AccessCredentials(
            parsing: """
                # keys for the CI runners
                [ingest]
                aws_access_key_id = AKIAINGEST
                aws_secret_access_key = abc/def+ghi=
                allowed_actions = logs:PutLogEvents, logs:CreateLog*

                [admin]
                aws_access_key_id=AKIAADMIN
                aws_secret_access_key=xyz
                region = eu-west-1
                """, source: "creds")
        #expect(
            file.keys["AKIAINGEST"]
                == .init(
                    name: "ingest", accessKeyID: "AKIAINGEST", secret: "abc/def+ghi=",
                    allowedActions: ["logs:PutLogEvents", "logs:CreateLog*"]))
        #expect(file.keys["AKIAADMIN"]?.allowedActions == ["*"])
        #expect(file.keys.count == 2)
    }

    @Test(arguments: [
        ("logs:PutLogEvents", "logs:PutLogEvents", true),
        ("logs:putlogevents", "logs:PutLogEvents", true),
        ("logs:*", "logs:DeleteLogGroup", true),
        ("logs:*", "cloudwatch:PutMetricData", false),
        ("logs:Describe*", "logs:DescribeLogStreams", true),
        ("logs:Describe*", "logs:DeleteLogStream", false),
        ("cloudwatch:*Alarm*", "cloudwatch:DescribeAlarmsForMetric", true),
        ("cloudwatch:?etMetricData", "cloudwatch:GetMetricData", true),
        ("cloudwatch:?etMetricData", "cloudwatch:PutMetricDataX", false),
        ("*", "sts:GetCallerIdentity", true),
        ("logs:PutLogEvent", "logs:PutLogEvents", false),
    ])
    func actionsMatchAsIAMMatchesThem(_ pattern: String, _ action: String, _ allowed: Bool) {
        let key = AccessCredentials.Key(name: "k", accessKeyID: "A", secret: "s", allowedActions: [pattern])
        #expect(key.allows(action) == allowed)
    }

    @Test(arguments: [
        ("[a]\naws_secret_access_key = s\n", "creds:1: [a] has no aws_access_key_id."),
        ("[a]\naws_access_key_id = A\n", "creds:1: [a] has no aws_secret_access_key."),
        (
            "[a]\naws_access_key_id = A\naws_secret_access_key = s\n[b]\naws_access_key_id = A\naws_secret_access_key = t\n",
            "creds:4: [b] has the access key id of [a] again."
        ),
        ("aws_access_key_id = A\n", "creds:1: 'aws_access_key_id = A' comes before any [section]."),
        (
            "[a]\naws_access_key = A\n",
            "creds:2: unknown setting 'aws_access_key' (aws_access_key_id, aws_secret_access_key and allowed_actions are read)."
        ),
        ("[a]\njust words\n", "creds:2: expected name = value, not 'just words'."),
        ("[a\n", "creds:1: a section header is [name], not '[a'."),
        (
            "[a]\naws_access_key_id = A\naws_secret_access_key = s\nallowed_actions = PutLogEvents\n",
            "creds:1: [a]: allowed action 'PutLogEvents' is not of the form service:Action (logs:PutLogEvents, cloudwatch:*)."
        ),
        ("# nothing\n", "creds holds no credentials."),
    ])
    func aFileThatCannotBeUsedSaysWhereAndWhy(_ text: String, _ message: String) {
        #expect(throws: AccessCredentials.FileError(description: message)) {
            try AccessCredentials(parsing: text, source: "creds")
        }
    }
}
