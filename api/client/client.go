// Package client is the Go client generated from api/openapi.yaml by
// oapi-codegen. The end-to-end tests call the server through it, so the
// contract and the server cannot drift apart. Do not edit client.gen.go;
// change the spec and run `make generate`.
package client

//go:generate go tool oapi-codegen -config oapi-codegen.yaml ../openapi.yaml
