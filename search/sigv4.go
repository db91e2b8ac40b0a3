package search

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/opensearch-project/opensearch-go/v4/signer"
	"github.com/opensearch-project/opensearch-go/v4/signer/awsv2"
)

// SigV4 is a signer for Amazon OpenSearch Service: service is "es" for
// managed domains or "aoss" for Serverless. creds comes from the AWS SDK's
// default chain in the service (IRSA on EKS) and is fixed in tests.
func SigV4(region, service string, creds aws.CredentialsProvider) (signer.Signer, error) {
	s, err := awsv2.NewSignerWithService(aws.Config{Region: region, Credentials: creds}, service)
	if err != nil {
		return nil, fmt.Errorf("sigv4 signer: %w", err)
	}
	return s, nil
}
