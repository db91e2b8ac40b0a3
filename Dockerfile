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
      -o /out/stylegraph ./cmd/stylegraph && \
    CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false -ldflags "-s -w" -o /out/s3local ./cmd/s3local && \
    mkdir -p /out/s3data

# s3local: the S3 stand-in that docker-compose.yml runs for development
# (`docker build --target s3local`); never part of the service image.
FROM gcr.io/distroless/static-debian12:nonroot AS s3local
COPY --from=build /out/s3local /usr/local/bin/s3local
# An empty data folder owned by nonroot, so a volume mounted there is writable.
COPY --from=build --chown=65532:65532 /out/s3data /home/nonroot/data
USER nonroot:nonroot
EXPOSE 9000
ENTRYPOINT ["/usr/local/bin/s3local"]
CMD ["-addr", "0.0.0.0:9000"]

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
