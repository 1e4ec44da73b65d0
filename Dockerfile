# syntax=docker/dockerfile:1
#
# Touchbase image: one static binary on an empty base, run as a non-root
# user, with CA certificates (provider APIs over HTTPS) and the time-zone
# database (quiet hours, plans) inside.
#
#   docker build -t touchbase .
#   docker run --rm -p 8080:8080 -v touchbase-data:/data touchbase serve --demo
#
# `touchbase version` shows the commit the image was built from, which the
# build reads from .git. To build from a tree without a usable .git (a
# tarball, a git worktree), add --build-arg GOFLAGS=-buildvcs=false.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG GOFLAGS=
# The same flags as the static build that .ci/run checks: keep them in step.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/touchbase ./cmd/touchbase
# What the empty base lacks: a user to run as, a data directory it owns, a
# temporary directory, and the CA certificates.
RUN mkdir -p /out/etc/ssl/certs /out/data /out/tmp \
 && chmod 1777 /out/tmp \
 && echo 'touchbase:x:10001:10001:Touchbase:/data:/sbin/nologin' > /out/etc/passwd \
 && echo 'touchbase:x:10001:' > /out/etc/group \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/

FROM scratch
COPY --from=build /out/etc /etc
COPY --from=build /out/tmp /tmp
COPY --from=build --chown=10001:10001 /out/data /data
COPY --from=build /out/touchbase /touchbase
USER 10001:10001
# Listen on every interface of the container; keep the SQLite file and the
# generated key (when no TOUCHBASE_DB or TOUCHBASE_SECRET_KEY_FILE is given)
# in the /data volume.
ENV TOUCHBASE_ADDR=0.0.0.0:8080 \
    TOUCHBASE_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/touchbase", "healthcheck"]
ENTRYPOINT ["/touchbase"]
CMD ["serve"]
