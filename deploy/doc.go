// Package deploy holds what runs stylegraph outside a developer's machine —
// the Helm chart in helm/stylegraph — and the tests that keep it, the
// Dockerfile and docker-compose.yml true to the binary: they parse and render
// them statically, since no Docker engine or cluster is reachable in CI.
package deploy
