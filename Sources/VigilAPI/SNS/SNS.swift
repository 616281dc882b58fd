/// The Amazon SNS API (`sns`, 2010-03-31): each operation's input and output as the service model
/// defines them, generated into `Generated/` by `scripts/generate-api.py`.
///
/// https://docs.aws.amazon.com/sns/latest/api/
public enum SNS {}
