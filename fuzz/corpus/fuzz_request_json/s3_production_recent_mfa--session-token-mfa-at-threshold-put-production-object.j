{
  "principal": "arn:aws:iam::111122223333:user/alice",
  "action": "s3:PutObject",
  "resource": "arn:aws:s3:::production/reports/q4.csv",
  "context": {
    "aws:username": "alice",
    "aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice",
    "aws:PrincipalAccount": "111122223333",
    "aws:CurrentTime": "2026-11-22T10:00:00Z",
    "aws:EpochTime": 1795341600,
    "aws:MultiFactorAuthPresent": true,
    "aws:MultiFactorAuthAge": 1800,
    "aws:TokenIssueTime": "2026-11-22T09:30:00Z",
    "aws:ResourceAccount": "111122223333"
  }
}
