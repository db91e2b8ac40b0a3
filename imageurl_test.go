package stylegraph_test

import (
	"testing"

	"github.com/stylegraph/stylegraph"
)

func TestPublicHTTPURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://img.example.com/a.jpg":            true,
		"http://assets.myntassets.com/v1/1.jpg":    true,
		"https://93.184.216.34/a.jpg":              true,
		"https://[2606:4700::6810:85e5]/a.jpg":     true,
		"javascript:alert(1)":                      false,
		"file:///etc/passwd":                       false,
		"ftp://example.com/a.jpg":                  false,
		"data:image/png;base64,AAAA":               false,
		"http://169.254.169.254/latest/meta-data/": false,
		"http://127.0.0.1:6379/":                   false,
		"http://10.0.0.5/a.jpg":                    false,
		"http://192.168.1.1/a.jpg":                 false,
		"http://172.16.0.1/a.jpg":                  false,
		"http://100.64.0.1/a.jpg":                  false,
		"http://0.0.0.0/":                          false,
		"http://[::1]/":                            false,
		"http://[fe80::1]/":                        false,
		"http://[fd00::1]/":                        false,
		"http://[::ffff:127.0.0.1]/":               false,
		"http://localhost/a.jpg":                   false,
		"http://api.localhost/a.jpg":               false,
		"http://metadata/computeMetadata/v1/":      false,
		"http://metadata.google.internal/":         false,
		"http://printer.local/":                    false,
		"http://2130706433/":                       false,
		"http://0x7f.0.0.1/":                       false,
		"http://127.1/":                            false,
		"https://user:pw@example.com/a.jpg":        false,
		"https:///a.jpg":                           false,
	} {
		if got := stylegraph.PublicHTTPURL(raw); got != want {
			t.Errorf("PublicHTTPURL(%q) = %v, want %v", raw, got, want)
		}
	}
}
