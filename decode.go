package stylegraph

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// strict are the decoding rules for everything callers send. encoding/json
// matches member names case-insensitively and keeps the last of duplicate
// names, so {"Type":…} or a second "type" could carry a value past a check
// that read the first one; here a name must match its field exactly, appear
// once, and be a field of the target.
var strict = json.JoinOptions(
	json.RejectUnknownMembers(true),
	json.MatchCaseInsensitiveNames(false),
	jsontext.AllowDuplicateNames(false),
	jsontext.AllowInvalidUTF8(false),
)

// DecodeJSON parses data, which must be one JSON object, into v strictly:
// member names are matched case-sensitively, a name given twice, a member v
// has no field for, invalid UTF-8 and trailing data are refused. Errors are
// EINVALID and name the field (dotted, e.g. "target.id").
func DecodeJSON(data []byte, v any) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return Invalid("", "the body is empty; send a JSON object")
	}
	if trimmed[0] != '{' {
		return Invalid("", "send a JSON object")
	}
	if err := json.Unmarshal(data, v, strict); err != nil {
		return decodeError(err)
	}
	return nil
}

// DecodeJSONFrom reads r to its end and decodes it with DecodeJSON. A read
// error (such as *http.MaxBytesError) is returned as it is.
func DecodeJSONFrom(r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return DecodeJSON(data, v)
}

// decodeError turns a decoding error into an EINVALID error naming the field.
func decodeError(err error) error {
	var se *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &syn):
		field := fieldPath(syn.JSONPointer)
		switch {
		case errors.Is(syn.Err, jsontext.ErrDuplicateName):
			return Invalid(field, "is given more than once")
		case errors.Is(syn.Err, io.ErrUnexpectedEOF):
			return Invalid("", "incomplete JSON")
		case strings.Contains(syn.Err.Error(), "UTF-8"):
			return Invalid(field, "must be valid UTF-8")
		case strings.Contains(syn.Err.Error(), "after top-level value"):
			return Invalid("", "unexpected data after the JSON object")
		}
		return Invalid("", "malformed JSON at byte %d", syn.ByteOffset)
	case errors.As(err, &se):
		field := fieldPath(se.JSONPointer)
		switch {
		case errors.Is(se.Err, json.ErrUnknownName):
			return Invalid(field, "unknown field")
		case se.GoType == reflect.TypeFor[time.Time]():
			return Invalid(field, "must be an RFC 3339 timestamp")
		case se.GoType != nil:
			return Invalid(field, "must be %s", kindName(se.GoType))
		}
		return Invalid(field, "is malformed")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return Invalid("", "incomplete JSON")
	}
	return Invalid("", "malformed JSON")
}

// fieldPath renders a JSON pointer as the dotted field name errors use:
// "/target/id" is "target.id", "/items/2/x" is "items[2].x".
func fieldPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if tok != "" && strings.Trim(tok, "0123456789") == "" && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// kindName says what JSON a Go type takes, for error messages.
func kindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

// SplitJSONArray cuts a JSON array into its elements in one pass, each a
// slice of b rather than a copy; ok is false unless b is one well-formed
// array. Duplicate names and invalid UTF-8 inside an element are left to
// that element's own strict decoding, so one bad item of a batch does not
// sink the others. T is the caller's raw-message type (json.RawMessage).
func SplitJSONArray[T ~[]byte](b []byte) ([]T, bool) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(b), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
		return nil, false
	}
	var raws []T
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			return nil, false
		}
		end := int(dec.InputOffset())
		raws = append(raws, T(b[end-len(v):end:end]))
	}
	if _, err := dec.ReadToken(); err != nil { // the closing bracket
		return nil, false
	}
	if _, err := dec.ReadToken(); err != io.EOF { // nothing after it
		return nil, false
	}
	return raws, true
}
