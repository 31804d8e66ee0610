// CloudTrail names -> IAM names: the event sources whose host label is not the IAM service
// prefix, and the event names that are not the IAM action they are authorized as. Each table is
// sorted and printed in docs/scenarios.md; tests/analysis/cloudtrail_test.cc checks every row,
// and that every action named here is in the shipped service data.
#include <algorithm>
#include <array>

#include "analysis/cloudtrail.h"

namespace policysim::analysis {
namespace {

// Sorted by label.
constexpr std::array kSourcePrefixes = {
    // billingconsole.amazonaws.com: the Billing console's legacy actions.
    // https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/logging-using-cloudtrail.html
    EventSourcePrefix{"billingconsole", "aws-portal"},
    // SES records its events as email.amazonaws.com.
    // https://docs.aws.amazon.com/ses/latest/dg/logging-using-cloudtrail.html
    EventSourcePrefix{"email", "ses"},
    // CloudWatch's endpoint is monitoring.amazonaws.com.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/logging_cw_api_calls.html
    EventSourcePrefix{"monitoring", "cloudwatch"},
    // AppRegistry's actions are in the servicecatalog prefix.
    // https://docs.aws.amazon.com/servicecatalog/latest/arguide/logging-using-cloudtrail.html
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsservicecatalog.html
    EventSourcePrefix{"servicecatalog-appregistry", "servicecatalog"},
    // The Resource Groups Tagging API: tagging.amazonaws.com, actions tag:*.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonresourcegrouptaggingapi.html
    EventSourcePrefix{"tagging", "tag"},
};

// Sorted by service, then event name. S3: each API's "Permissions" section in the Amazon S3 API
// Reference, collected in https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations.html
// and https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
// (the table "Required permissions for Amazon S3 API operations").
constexpr std::array kNameActions = {
    // Lambda: the API is Invoke, the permission lambda:InvokeFunction.
    // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
    EventNameAction{"lambda", "Invoke", "InvokeFunction"},
    EventNameAction{"s3", "CompleteMultipartUpload", "PutObject"},
    EventNameAction{"s3", "CopyObject", "PutObject"},
    EventNameAction{"s3", "CreateMultipartUpload", "PutObject"},
    EventNameAction{"s3", "DeleteBucketAnalyticsConfiguration", "PutAnalyticsConfiguration"},
    EventNameAction{"s3", "DeleteBucketCors", "PutBucketCORS"},
    EventNameAction{"s3", "DeleteBucketEncryption", "PutEncryptionConfiguration"},
    EventNameAction{"s3", "DeleteBucketIntelligentTieringConfiguration",
                    "PutIntelligentTieringConfiguration"},
    EventNameAction{"s3", "DeleteBucketInventoryConfiguration", "PutInventoryConfiguration"},
    EventNameAction{"s3", "DeleteBucketLifecycle", "PutLifecycleConfiguration"},
    EventNameAction{"s3", "DeleteBucketMetricsConfiguration", "PutMetricsConfiguration"},
    EventNameAction{"s3", "DeleteBucketOwnershipControls", "PutBucketOwnershipControls"},
    EventNameAction{"s3", "DeleteBucketPublicAccessBlock", "PutBucketPublicAccessBlock"},
    EventNameAction{"s3", "DeleteBucketReplication", "PutReplicationConfiguration"},
    EventNameAction{"s3", "DeleteBucketTagging", "PutBucketTagging"},
    EventNameAction{"s3", "DeleteObjects", "DeleteObject"},
    EventNameAction{"s3", "GetBucketAccelerateConfiguration", "GetAccelerateConfiguration"},
    EventNameAction{"s3", "GetBucketAnalyticsConfiguration", "GetAnalyticsConfiguration"},
    EventNameAction{"s3", "GetBucketCors", "GetBucketCORS"},
    EventNameAction{"s3", "GetBucketEncryption", "GetEncryptionConfiguration"},
    EventNameAction{"s3", "GetBucketIntelligentTieringConfiguration",
                    "GetIntelligentTieringConfiguration"},
    EventNameAction{"s3", "GetBucketInventoryConfiguration", "GetInventoryConfiguration"},
    EventNameAction{"s3", "GetBucketLifecycle", "GetLifecycleConfiguration"},
    EventNameAction{"s3", "GetBucketLifecycleConfiguration", "GetLifecycleConfiguration"},
    EventNameAction{"s3", "GetBucketMetricsConfiguration", "GetMetricsConfiguration"},
    EventNameAction{"s3", "GetBucketNotificationConfiguration", "GetBucketNotification"},
    EventNameAction{"s3", "GetBucketReplication", "GetReplicationConfiguration"},
    EventNameAction{"s3", "GetObjectLockConfiguration", "GetBucketObjectLockConfiguration"},
    EventNameAction{"s3", "HeadBucket", "ListBucket"},
    EventNameAction{"s3", "HeadObject", "GetObject"},
    EventNameAction{"s3", "ListBucketAnalyticsConfigurations", "GetAnalyticsConfiguration"},
    EventNameAction{"s3", "ListBucketIntelligentTieringConfigurations",
                    "GetIntelligentTieringConfiguration"},
    EventNameAction{"s3", "ListBucketInventoryConfigurations", "GetInventoryConfiguration"},
    EventNameAction{"s3", "ListBucketMetricsConfigurations", "GetMetricsConfiguration"},
    EventNameAction{"s3", "ListBuckets", "ListAllMyBuckets"},
    EventNameAction{"s3", "ListMultipartUploads", "ListBucketMultipartUploads"},
    EventNameAction{"s3", "ListObjectVersions", "ListBucketVersions"},
    EventNameAction{"s3", "ListObjects", "ListBucket"},
    EventNameAction{"s3", "ListObjectsV2", "ListBucket"},
    EventNameAction{"s3", "ListParts", "ListMultipartUploadParts"},
    EventNameAction{"s3", "PutBucketAccelerateConfiguration", "PutAccelerateConfiguration"},
    EventNameAction{"s3", "PutBucketAnalyticsConfiguration", "PutAnalyticsConfiguration"},
    EventNameAction{"s3", "PutBucketCors", "PutBucketCORS"},
    EventNameAction{"s3", "PutBucketEncryption", "PutEncryptionConfiguration"},
    EventNameAction{"s3", "PutBucketIntelligentTieringConfiguration",
                    "PutIntelligentTieringConfiguration"},
    EventNameAction{"s3", "PutBucketInventoryConfiguration", "PutInventoryConfiguration"},
    EventNameAction{"s3", "PutBucketLifecycle", "PutLifecycleConfiguration"},
    EventNameAction{"s3", "PutBucketLifecycleConfiguration", "PutLifecycleConfiguration"},
    EventNameAction{"s3", "PutBucketMetricsConfiguration", "PutMetricsConfiguration"},
    EventNameAction{"s3", "PutBucketNotificationConfiguration", "PutBucketNotification"},
    EventNameAction{"s3", "PutBucketReplication", "PutReplicationConfiguration"},
    EventNameAction{"s3", "PutObjectLockConfiguration", "PutBucketObjectLockConfiguration"},
    EventNameAction{"s3", "SelectObjectContent", "GetObject"},
    EventNameAction{"s3", "UploadPart", "PutObject"},
    EventNameAction{"s3", "UploadPartCopy", "PutObject"},
};

constexpr bool sortedRows() {
  for (std::size_t i = 1; i < kSourcePrefixes.size(); ++i) {
    if (!(kSourcePrefixes[i - 1].label < kSourcePrefixes[i].label)) {
      return false;
    }
  }
  for (std::size_t i = 1; i < kNameActions.size(); ++i) {
    const EventNameAction& a = kNameActions[i - 1];
    const EventNameAction& b = kNameActions[i];
    if (!(a.service < b.service || (a.service == b.service && a.eventName < b.eventName))) {
      return false;
    }
  }
  return true;
}
static_assert(sortedRows(), "the tables are searched by binary search: keep them sorted");

}  // namespace

std::span<const EventSourcePrefix> eventSourcePrefixes() { return kSourcePrefixes; }
std::span<const EventNameAction> eventNameActions() { return kNameActions; }

std::string servicePrefix(std::string_view eventSource) {
  std::string_view host = eventSource;
  for (std::string_view suffix : {".amazonaws.com.cn", ".amazonaws.com"}) {
    if (host.ends_with(suffix)) {
      host.remove_suffix(suffix.size());
      break;
    }
  }
  const std::size_t dot = host.rfind('.');
  if (dot != std::string_view::npos) {
    host = host.substr(dot + 1);  // runtime.sagemaker -> sagemaker, api.ecr -> ecr
  }
  const auto it = std::lower_bound(
      kSourcePrefixes.begin(), kSourcePrefixes.end(), host,
      [](const EventSourcePrefix& row, std::string_view label) { return row.label < label; });
  if (it != kSourcePrefixes.end() && it->label == host) {
    return std::string(it->prefix);
  }
  return std::string(host);
}

std::string iamActionName(std::string_view service, std::string_view eventName) {
  std::string_view name = eventName;
  if (service == "lambda") {
    // API versions in event names: GetFunction20150331v2 -> GetFunction,
    // ListFunctions20150331 -> ListFunctions.
    // https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html
    const std::size_t v = name.rfind('v');
    if (v != std::string_view::npos && v + 1 < name.size() &&
        name.find_first_not_of("0123456789", v + 1) == std::string_view::npos) {
      name = name.substr(0, v);
    }
    if (name.size() > 8 &&
        name.substr(name.size() - 8).find_first_not_of("0123456789") == std::string_view::npos) {
      name.remove_suffix(8);
    }
  }
  const auto it = std::lower_bound(
      kNameActions.begin(), kNameActions.end(), std::pair{service, name},
      [](const EventNameAction& row, const std::pair<std::string_view, std::string_view>& key) {
        return row.service < key.first || (row.service == key.first && row.eventName < key.second);
      });
  if (it != kNameActions.end() && it->service == service && it->eventName == name) {
    return std::string(it->action);
  }
  return std::string(name);
}

}  // namespace policysim::analysis
