// The config keys the Pulumi AWS provider (@pulumi/aws 7) takes in the `aws:` namespace, from its
// config/vars.d.ts. Anything else under `aws:` (aws:regoin) would be ignored silently, so the tools refuse it.
export const AWS_PROVIDER_KEYS: ReadonlySet<string> = new Set([
  "accessKey", "allowedAccountIds", "assumeRoles", "assumeRoleWithWebIdentity", "customCaBundle",
  "defaultTags", "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "endpoints", "forbiddenAccountIds",
  "httpProxy", "httpsProxy", "ignoreTags", "insecure", "maxRetries", "noProxy", "profile", "region", "retryMode",
  "s3UsEast1RegionalEndpoint", "s3UsePathStyle", "secretKey", "sharedConfigFiles", "sharedCredentialsFiles",
  "skipCredentialsValidation", "skipMetadataApiCheck", "skipRegionValidation", "skipRequestingAccountId", "stsRegion",
  "tagPolicyCompliance", "token", "tokenBucketRateLimiterCapacity", "useDualstackEndpoint", "useFipsEndpoint", "userAgents",
]);
