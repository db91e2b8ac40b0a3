# syntax=docker/dockerfile:1
# The stylegraph image: one static, stripped binary on distroless (CA
# certificates and tzdata included, no shell), run as the unprivileged
# `nonroot` user. Build with the version stamped:
#   docker build --build-arg VERSION=$(git describe --tags --always) --build-arg COMMIT=$(git rev-parse --short HEAD) -t stylegraph .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
# CGO off: a static binary that needs no libc in the runtime image.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/stylegraph ./cmd/stylegraph

FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="stylegraph" \
      org.opencontainers.image.source="https://github.com/stylegraph/stylegraph"
COPY --from=build /out/stylegraph /usr/local/bin/stylegraph
# The audit log and a file-system archive default to ./archive: keep it in the
# non-root user's home, which it may write.
WORKDIR /home/nonroot
USER nonroot:nonroot
# 8080: the API (HTTP_ADDR); 9091: the worker's /metrics, /healthz, /readyz (WORKER_ADDR).
EXPOSE 8080 9091
ENTRYPOINT ["/usr/local/bin/stylegraph"]
CMD ["serve"]
