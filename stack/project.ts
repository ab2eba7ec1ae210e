// The stack program's Pulumi project name (Pulumi.yaml `name`, kept in step by a test): the namespace of its config
// keys and the folder of its stacks in the local backend. No imports, so the engine wrapper can read it cheaply.
export const PROJECT = "bedrock-sfn";
