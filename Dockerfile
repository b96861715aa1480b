# One static binary on a small Debian base. The SQLite file, the generated
# secret and local recordings live on the /data volume.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/interviewd ./cmd/interviewd

FROM debian:bookworm-slim
# ca-certificates: HTTPS to OpenAI and Supabase. The speech tools give the
# local engine its voice and ears; drop them for an OpenAI-only image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates flite espeak-ng pocketsphinx pocketsphinx-en-us \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data interviewd \
 && mkdir -p /data && chown interviewd /data
COPY --from=build /out/interviewd /usr/local/bin/interviewd
USER interviewd
ENV DATA_DIR=/data PORT=8080
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD ["/usr/local/bin/interviewd", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/interviewd"]
