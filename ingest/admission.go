package ingest

import "context"

type admissionKey struct{}

// WithAdmission returns ctx carrying admit, a decision made while the
// request is decoded (the API's rate-limit spend, in flight meanwhile):
// Ingest waits for it after decoding and before appending anything, and
// returns its error unchanged.
func WithAdmission(ctx context.Context, admit func() error) context.Context {
	return context.WithValue(ctx, admissionKey{}, admit)
}

// admitted waits for ctx's admission, if any.
func admitted(ctx context.Context) error {
	if admit, ok := ctx.Value(admissionKey{}).(func() error); ok && admit != nil {
		return admit()
	}
	return nil
}
