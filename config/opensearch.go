package config

// OpenSearchSigV4 signs every OpenSearch request with AWS Signature V4, for
// Amazon OpenSearch Service and Serverless. Credentials come from the AWS
// SDK's default chain (IRSA on EKS, the environment, a profile), never from
// stylegraph's own settings.
type OpenSearchSigV4 struct {
	// Enabled by OPENSEARCH_AWS_SIGV4=true.
	Enabled bool
	// Region is OPENSEARCH_AWS_REGION, else AWS_REGION.
	Region string
	// Service is OPENSEARCH_AWS_SERVICE: es (managed domains, the default)
	// or aoss (Serverless).
	Service string
}

func (r *reader) openSearchSigV4() OpenSearchSigV4 {
	c := OpenSearchSigV4{
		Enabled: r.bool("OPENSEARCH_AWS_SIGV4", false),
		Region:  r.str("OPENSEARCH_AWS_REGION", r.str("AWS_REGION", "")),
		Service: r.str("OPENSEARCH_AWS_SERVICE", "es"),
	}
	if !c.Enabled {
		return c
	}
	if c.Region == "" {
		r.fail("OPENSEARCH_AWS_REGION", "", "must be set (or AWS_REGION) when OPENSEARCH_AWS_SIGV4=true")
	}
	if c.Service != "es" && c.Service != "aoss" {
		r.fail("OPENSEARCH_AWS_SERVICE", c.Service, "must be es or aoss")
	}
	return c
}
