# Builds the stylegraph binary for docker-compose.yml.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/stylegraph ./cmd/stylegraph

FROM debian:12-slim
COPY --from=build /out/stylegraph /usr/local/bin/stylegraph
ENTRYPOINT []
