# guichet, built in release and run on a slim Debian. Used by docker-compose.yml.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p guichet --locked \
 && cp target/release/guichet /guichet

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/guichet --create-home guichet
COPY --from=build /guichet /usr/local/bin/guichet
USER guichet
WORKDIR /var/lib/guichet
ENV GUICHET_BIND=0.0.0.0:8080
# glibc's malloc gives each thread that allocates (tokio's, SQLite's) an arena of its own, and
# memory freed there is slow to go back to the system: two arenas keep the RSS of large exports
# down (bench/run.sh: +14 MiB instead of +56 MiB for 100,000 rows of CSV on SQLite).
ENV MALLOC_ARENA_MAX=2
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["guichet"]
CMD ["serve"]
